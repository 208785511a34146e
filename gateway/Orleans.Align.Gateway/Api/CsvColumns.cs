using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Orleans.Align.Gateway.Api;

/// <summary>How a CSV cell becomes a JSON value: as it is, as a number, as a list separated by <c>;</c>, or as true/false.</summary>
public enum CsvCellKind { Text, Number, List, Boolean }

/// <summary>One column a CSV import understands: the JSON path of the request field it fills (<c>value</c>, <c>scope.campaigns</c>).</summary>
public sealed record CsvColumn(string Name, CsvCellKind Kind, bool Required);

/// <summary>
/// The columns of a CSV import, read off the JSON request record the same file would be sent as
/// (<see cref="EventRequest"/>, <see cref="CreateGoalRequest"/>): a field added to the record is a
/// column at once, with the record's JSON name, and [Required] fields are required columns. A row
/// becomes that record through the API's own JSON options, so a cell means what the same JSON value
/// means (dates, enums, ids), and the endpoints validate it with the JSON requests' own rules.
/// </summary>
public sealed class CsvSchema
{
    public const char ListSeparator = ';';

    public IReadOnlyList<CsvColumn> Columns { get; }
    private readonly Type _type;

    private CsvSchema(Type type, IReadOnlyList<CsvColumn> columns) => (_type, Columns) = (type, columns);

    public static CsvSchema For<TRequest>(JsonSerializerOptions json) => new(typeof(TRequest), [.. ColumnsOf(json, typeof(TRequest), "")]);

    private static IEnumerable<CsvColumn> ColumnsOf(JsonSerializerOptions json, Type type, string prefix)
    {
        foreach (var property in json.GetTypeInfo(type).Properties)
        {
            var name = prefix + property.Name;
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var required = property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: false) == true;
            if (t.Namespace == typeof(CsvSchema).Namespace && t.Name.EndsWith("Request", StringComparison.Ordinal))
            {
                // A nested request (a goal's scope) is flattened: scope.campaigns.
                foreach (var nested in ColumnsOf(json, t, name + ".")) yield return nested;
                continue;
            }
            var kind = t == typeof(double) || t == typeof(int) || t == typeof(long) ? CsvCellKind.Number
                : t == typeof(bool) ? CsvCellKind.Boolean
                : t != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(t) ? CsvCellKind.List
                : CsvCellKind.Text;
            yield return new CsvColumn(name, kind, required);
        }
    }

    public CsvColumn? Find(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The JSON object a row stands for; an empty cell is an absent field. A cell that is not what its
    /// column needs (a number, true/false) is a problem of that column.
    /// </summary>
    public JsonObject ToJson(IReadOnlyList<(CsvColumn Column, string? Cell)> cells, Action<CsvColumn, string> problem)
    {
        var root = new JsonObject();
        foreach (var (column, cell) in cells)
        {
            if (string.IsNullOrWhiteSpace(cell)) continue;
            JsonNode? value;
            switch (column.Kind)
            {
                case CsvCellKind.Number:
                    if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                    {
                        problem(column, $"must be a number written with a dot for decimals and no thousands separator (1234.5); it is {InputLimits.Echo(cell)}.");
                        continue;
                    }
                    value = JsonValue.Create(number);
                    break;
                case CsvCellKind.Boolean:
                    if (!bool.TryParse(cell.Trim(), out var flag))
                    {
                        problem(column, $"must be true or false; it is {InputLimits.Echo(cell)}.");
                        continue;
                    }
                    value = JsonValue.Create(flag);
                    break;
                case CsvCellKind.List:
                    // A cell holds one value of a row; a list in it is separated by ';' (owners: "marketing;sales").
                    value = new JsonArray([.. cell.Split(ListSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => (JsonNode)JsonValue.Create(v))]);
                    break;
                default:
                    value = JsonValue.Create(cell);
                    break;
            }
            var parts = column.Name.Split('.');
            var target = root;
            foreach (var part in parts[..^1])
            {
                if (target[part] is not JsonObject next) target[part] = next = new JsonObject();
                target = next;
            }
            target[parts[^1]] = value;
        }
        return root;
    }

    /// <summary>The column a JSON path or a validation field names: <c>$.scope.campaigns[2]</c> and <c>scope.campaigns[2]</c> are <c>scope.campaigns</c>.</summary>
    public CsvColumn? ColumnOf(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        var bracket = name.IndexOf('[');
        if (bracket >= 0) name = name[..bracket];
        return Find(name);
    }

    public override string ToString() => _type.Name;
}
