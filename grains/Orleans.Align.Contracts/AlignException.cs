namespace Orleans.Align;

[GenerateSerializer, Alias("align.error-kind")]
public enum AlignErrorKind
{
    Invalid = 0,
    NotFound = 1,
    Conflict = 2,
    Unavailable = 3,
}

/// <summary>
/// A domain rule refused a command. Thrown by grains, carried across the cluster, and turned into an
/// RFC 9457 problem document by the gateway; nothing was changed when it is thrown.
/// </summary>
[GenerateSerializer, Alias("align.error")]
public sealed class AlignException : Exception
{
    public AlignException(AlignErrorKind kind, string message) : base(message) => Kind = kind;

    [Id(0)]
    public AlignErrorKind Kind { get; }

    public static AlignException NotFound(string what) => new(AlignErrorKind.NotFound, what);
    public static AlignException Conflict(string what) => new(AlignErrorKind.Conflict, what);
    public static AlignException Invalid(string what) => new(AlignErrorKind.Invalid, what);
}
