namespace Orleans.Align.Grains;

public static class StorageNames
{
    /// <summary>The grain storage provider every Orleans.Align grain persists to.</summary>
    public const string Align = "align";
}
