namespace Orleans.Align.Gateway.Api;

/// <summary>
/// Collects field errors in the shape of a validation problem document (<c>errors</c> by field).
/// It keeps the first <see cref="InputLimits.MaxErrorsShown"/> and counts the rest, so a refusal of
/// a request with a hundred thousand bad items is as small and as fast as one with one bad item.
/// Every check here is linear in the size of the input.
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private int _shown;

    public bool IsValid => ErrorCount == 0;

    /// <summary>Every problem found, including those not kept for the answer.</summary>
    public int ErrorCount { get; private set; }

    /// <summary>The problems kept for the answer, field by field, in the order they were found per field.</summary>
    public IEnumerable<(string Field, string Message)> Shown => _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public Validation Add(string field, string message)
    {
        ErrorCount++;
        if (_shown >= InputLimits.MaxErrorsShown) return this;
        _shown++;
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public string? Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) Add(field, "is required.");
        else if (!InputLimits.IsId(value)) Add(field, $"must be {Identifiers.Rule}.");
        return value;
    }

    public string? OptionalId(string field, string? value)
    {
        if (value is not null && !InputLimits.IsId(value)) Add(field, $"must be {Identifiers.Rule}.");
        return value;
    }

    /// <summary>A list of at most <paramref name="max"/> ids: each checked, duplicates dropped, order kept.</summary>
    public List<string> Ids(string field, List<string?>? values, int max = InputLimits.MaxIdsPerList, bool skipNulls = false)
    {
        var ids = new List<string>();
        if (!Count(field, values, max)) return ids;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values!.Count; i++)
        {
            if (values[i] is null && skipNulls) continue;
            if (Id($"{field}[{i}]", values[i]) is { } id && InputLimits.IsId(id) && seen.Add(id)) ids.Add(id);
        }
        return ids;
    }

    public List<string> MetricKeys(string field, List<string?>? values, int max)
    {
        var keys = new List<string>();
        if (!Count(field, values, max)) return keys;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values!.Count; i++)
        {
            if (!InputLimits.IsMetricKey(values[i])) Add($"{field}[{i}]", $"must be {Orleans.Align.MetricKeys.Rule}.");
            else if (seen.Add(values[i]!)) keys.Add(values[i]!);
        }
        return keys;
    }

    /// <summary>
    /// Checks a list's length before anything looks at its items; true when there are items to check.
    /// A list over the limit is refused with one error, whatever its items are.
    /// </summary>
    public bool Count<T>(string field, List<T>? values, int max)
    {
        if (values is null || values.Count == 0) return false;
        if (values.Count <= max) return true;
        Add(field, $"must have at most {max} items; it has {values.Count}.");
        return false;
    }

    public string? Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required.");
        }
        else if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters; it has {value.Length}.");
        else if (value.Any(char.IsControl))
            Add(field, "must not contain control characters.");
        return value?.Trim();
    }

    /// <summary>
    /// The refusal: at most <see cref="InputLimits.MaxErrorsShown"/> messages; <c>errorCount</c> says
    /// how many problems there were in all.
    /// </summary>
    public IResult Problem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        title: "The request is not valid",
        detail: ErrorCount > _shown
            ? $"See 'errors' for the first {_shown} of {ErrorCount} problems. Nothing was changed."
            : "See 'errors' for each field that needs fixing. Nothing was changed.",
        extensions: new Dictionary<string, object?> { ["errorCount"] = ErrorCount });
}
