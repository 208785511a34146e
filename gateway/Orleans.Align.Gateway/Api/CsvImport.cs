using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using CsvHelper;
using Microsoft.OpenApi;

namespace Orleans.Align.Gateway.Api;

/// <summary>A problem of one record of an imported file: its row as a spreadsheet numbers it (the header is row 1), the file's column, the request field.</summary>
public sealed record CsvRowError(int Row, string? Column, string? Field, string Message);

/// <summary>422: rows of the file are not valid; nothing was stored. <c>rows</c> lists the first problems, <c>errorCount</c> counts them all.</summary>
public sealed class CsvImportProblem : Microsoft.AspNetCore.Mvc.ProblemDetails
{
    public required IReadOnlyList<CsvRowError> Rows { get; init; }
    public required int ErrorCount { get; init; }
}

/// <summary>
/// Reads an imported CSV file (RFC 4180, comma separated, UTF-8, a header row) with CsvHelper and
/// turns each record into the JSON request the same data would be sent as. Which file column fills
/// which field: a header named as the field (<c>value</c>, <c>scope.campaigns</c>; case does not
/// matter), or <c>map.{field}={header}</c> in the query for a file from elsewhere; a column the
/// caller does not want is named in <c>ignore={header}</c>. Any other column is refused, as an
/// unknown JSON member is: a misspelt "campain" column must not turn into events without a campaign.
/// </summary>
public static class CsvImport
{
    public const string MediaType = "text/csv";
    public const string MapPrefix = "map.";
    public const string Ignore = "ignore";

    /// <summary>Row problems shown in a refusal; <c>errorCount</c> counts the rest.</summary>
    public const int MaxRowErrorsShown = 100;

    public sealed record Rows<TRequest>(IReadOnlyList<(int Row, TRequest Request)> Records, RowErrors Errors);

    /// <summary>
    /// The file's records as requests, or the refusal of the whole file (not CSV, a header the mapping
    /// does not account for, too many rows). Cells that cannot be the field's JSON value are row errors.
    /// </summary>
    public static async Task<(IResult? Refusal, Rows<TRequest>? Rows)> ReadAsync<TRequest>(HttpContext http, CsvSchema schema, JsonSerializerOptions json, int maxRows)
        where TRequest : class
    {
        if (!IsCsv(http.Request.ContentType))
            return (TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send the file as Content-Type: {MediaType} (UTF-8, comma separated, a header row)."), null);

        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
            SkipEmptyLines = true,
            // A record is a row of a spreadsheet: an unclosed quote must not swallow the body whole.
            MaxRecordSize = 64 * 1024,
        };
        var records = new List<(int, TRequest)>();
        RowErrors errors;
        try
        {
            await using var reader = CsvReader.Create(http.Request.Body, options, leaveOpen: true);
            await reader.ReadHeaderAsync(http.RequestAborted);
            var headers = reader.Headers.ToList();
            if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
                return (new Validation().Add("header", "the file is empty: its first line names the columns (id,metric,value,...).").Problem(), null);
            var (mapping, columns) = MapHeaders(headers, http.Request.Query, schema);
            if (!mapping.IsValid) return (mapping.Problem(), null);
            errors = new RowErrors(schema, columns.Select((c, i) => (c, headers[i])).Where(x => x.c is not null).ToDictionary(x => x.c!, x => x.Item2.Trim()));

            while (await reader.ReadAsync(http.RequestAborted))
            {
                var row = checked((int)reader.RowNumber + 1);
                if (records.Count + errors.RowCount >= maxRows)
                    return (TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows",
                        detail: $"An import takes at most {maxRows} rows (Align:Gateway configuration); split the file."), null);
                if (reader.FieldCount != headers.Count)
                {
                    errors.Add(row, null, null, $"has {reader.FieldCount} fields; the header has {headers.Count}.");
                    continue;
                }
                var cells = new List<(CsvColumn, string?)>(headers.Count);
                for (var i = 0; i < headers.Count; i++)
                {
                    if (columns[i] is { } column) cells.Add((column, reader.GetString(i)));
                }
                var bad = false;
                var node = schema.ToJson(cells, (column, message) => { bad = true; errors.Add(row, column, column.Name, message); });
                if (bad) continue;
                try
                {
                    if (node.Deserialize<TRequest>(json) is { } request) records.Add((row, request));
                }
                catch (JsonException e)
                {
                    var column = schema.ColumnOf(e.Path);
                    errors.Add(row, column, column?.Name, column is null ? "is not valid." : $"is not a valid {column.Name}: {InputLimits.Echo(cells.FirstOrDefault(c => c.Item1 == column).Item2)}.");
                }
            }
        }
        catch (Exception e) when (e is not BadHttpRequestException && e.InnerException is BadHttpRequestException tooLarge)
        {
            ExceptionDispatchInfo.Throw(tooLarge);
            throw;
        }
        catch (CsvFormatException e)
        {
            var at = e.RecordNumber > 0 ? $"row {e.RecordNumber}" : "the file";
            return (new Validation().Add("file", $"{at} is not valid CSV (RFC 4180: a quote opens a quoted field, a doubled quote inside it is a quote): {e.Message}").Problem(), null);
        }
        return (null, new Rows<TRequest>(records, errors));
    }

    private static bool IsCsv(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Which field each column of the file fills (null: ignored), or what is wrong with the header and the mapping.</summary>
    internal static (Validation, CsvColumn?[]) MapHeaders(IReadOnlyList<string> headers, IQueryCollection query, CsvSchema schema)
    {
        var v = new Validation();
        var names = headers.Select(h => h.Trim()).ToList();
        var known = string.Join(", ", schema.Columns.Select(c => c.Name));
        var byHeader = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Length == 0) v.Add("header", $"column {i + 1} has no name.");
            else if (!byHeader.TryAdd(names[i], i)) v.Add("header", $"two columns are named {InputLimits.Echo(names[i])}.");
        }

        var mapped = new Dictionary<int, CsvColumn>();
        var mappedColumns = new HashSet<CsvColumn>();
        foreach (var (key, values) in query)
        {
            if (!key.StartsWith(MapPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var target = key[MapPrefix.Length..];
            if (schema.Find(target) is not { } column) { v.Add(key, $"{InputLimits.Echo(target)} is not a field to map to; the fields are {known}."); continue; }
            if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0])) { v.Add(key, "names one column of the file."); continue; }
            if (!mappedColumns.Add(column)) { v.Add(key, $"{column.Name} is mapped twice."); continue; }
            if (!byHeader.TryGetValue(values[0]!.Trim(), out var index)) { v.Add(key, $"the file has no column {InputLimits.Echo(values[0])}."); continue; }
            if (!mapped.TryAdd(index, column)) v.Add(key, $"column {InputLimits.Echo(values[0])} is mapped to two fields.");
        }
        var ignored = new HashSet<int>();
        foreach (var name in query[Ignore])
        {
            if (string.IsNullOrWhiteSpace(name)) continue;
            if (!byHeader.TryGetValue(name.Trim(), out var index)) v.Add(Ignore, $"the file has no column {InputLimits.Echo(name)}.");
            else if (mapped.ContainsKey(index)) v.Add(Ignore, $"column {InputLimits.Echo(name)} is both mapped and ignored.");
            else ignored.Add(index);
        }

        var columns = new CsvColumn?[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            if (mapped.TryGetValue(i, out var column)) columns[i] = column;
            else if (ignored.Contains(i) || names[i].Length == 0) continue;
            else if (schema.Find(names[i]) is not { } own)
                v.Add("header", $"column {InputLimits.Echo(names[i])} is not a field ({known}): map it with {MapPrefix}<field>={names[i]} or skip it with {Ignore}={names[i]}.");
            else if (mappedColumns.Contains(own))
                v.Add("header", $"column {InputLimits.Echo(names[i])} and the column mapped with {MapPrefix}{own.Name} would both fill {own.Name}: skip one with {Ignore}=.");
            else
            {
                columns[i] = own;
                mappedColumns.Add(own);
            }
        }
        foreach (var required in schema.Columns.Where(c => c.Required && !mappedColumns.Contains(c)))
            v.Add("header", $"the file has no column for {required.Name}, which is required: name a column {required.Name} or map one with {MapPrefix}{required.Name}=<column>.");
        return (v, columns);
    }

    /// <summary>Row problems, bounded: the first <see cref="MaxRowErrorsShown"/> are listed, all are counted.</summary>
    public sealed class RowErrors(CsvSchema schema, IReadOnlyDictionary<CsvColumn, string> headers)
    {
        private readonly List<CsvRowError> _shown = [];
        private readonly HashSet<int> _rows = [];

        public int Count { get; private set; }

        /// <summary>Rows with at least one problem.</summary>
        public int RowCount => _rows.Count;

        public void Add(int row, CsvColumn? column, string? field, string message)
        {
            Count++;
            _rows.Add(row);
            if (_shown.Count < MaxRowErrorsShown)
                _shown.Add(new CsvRowError(row, column is not null && headers.TryGetValue(column, out var header) ? header : null, field, message));
        }

        /// <summary>A row's problems as the JSON request's validation names them (<c>value</c>, <c>owners[1]</c>).</summary>
        public void Add(int row, Validation v)
        {
            foreach (var (field, message) in v.Shown)
                Add(row, schema.ColumnOf(field), field, $"{field} {message}");
        }

        public IResult Problem() => TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Rows of the file are not valid",
            detail: $"{RowCount} row(s) have {Count} problem(s){(Count > _shown.Count ? $"; 'rows' lists the first {_shown.Count}" : "")}. Nothing was stored: fix them and send the whole file again.",
            extensions: new Dictionary<string, object?> { ["rows"] = _shown, ["errorCount"] = Count });
    }

    /// <summary>
    /// A CSV body of at most <paramref name="maxBytes"/>: its media type, its limit and problems, and the
    /// mapping parameters (one <c>map.{field}</c> per field of <paramref name="schema"/>) in the OpenAPI document.
    /// </summary>
    public static RouteHandlerBuilder ReadsCsv(this RouteHandlerBuilder builder, long maxBytes, Func<JsonSerializerOptions, CsvSchema> schema) =>
        builder.Accepts<string>(MediaType).Reads(maxBytes)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status422UnprocessableEntity, typeof(CsvImportProblem), [ApiInput.ProblemContentType]))
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                var json = context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
                operation.Parameters ??= [];
                foreach (var column in schema(json).Columns)
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = MapPrefix + column.Name,
                        In = ParameterLocation.Query,
                        Description = $"The file's column that fills {column.Name} (by default the column named {column.Name}).",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200 },
                    });
                }
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Ignore,
                    In = ParameterLocation.Query,
                    Description = "A column of the file to skip; repeat the parameter for several. Any other column that is not a field is refused.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    Explode = true,
                    Style = ParameterStyle.Form,
                });
                return Task.CompletedTask;
            });
}
