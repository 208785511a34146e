namespace Orleans.Align.Gateway.Api;

/// <summary>Collects field errors in the shape of a validation problem document (<c>errors</c> by field).</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public string? Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) Add(field, "is required.");
        else if (!Identifiers.IsValid(value)) Add(field, $"must be {Identifiers.Rule}.");
        return value;
    }

    public string? OptionalId(string field, string? value)
    {
        if (value is not null && !Identifiers.IsValid(value)) Add(field, $"must be {Identifiers.Rule}.");
        return value;
    }

    /// <summary>A list of ids: each checked, duplicates dropped, order kept.</summary>
    public List<string> Ids(string field, List<string?>? values, bool skipNulls = false)
    {
        var ids = new List<string>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (values![i] is null && skipNulls) continue;
            if (Id($"{field}[{i}]", values[i]) is { } id && Identifiers.IsValid(id) && !ids.Contains(id)) ids.Add(id);
        }
        return ids;
    }

    public List<string> MetricKeys(string field, List<string?>? values)
    {
        var keys = new List<string>();
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (!Orleans.Align.MetricKeys.IsValid(values![i])) Add($"{field}[{i}]", $"must be {Orleans.Align.MetricKeys.Rule}.");
            else if (!keys.Contains(values[i]!)) keys.Add(values[i]!);
        }
        return keys;
    }

    public string? Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) Add(field, "is required.");
        }
        else if (value.Length > maxLength) Add(field, $"must be at most {maxLength} characters.");
        else if (value.Any(char.IsControl)) Add(field, "must not contain control characters.");
        return value?.Trim();
    }

    public IResult Problem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        title: "The request is not valid",
        detail: "See 'errors' for each field that needs fixing. Nothing was changed.");
}
