using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace MetaNlp.Server;

/// <summary>
/// Reads a request's JSON body into a request record, turning every way it can be wrong (not JSON, malformed,
/// too large, empty) into a problem result that says what is wrong and where.
/// </summary>
public static class JsonBody
{
    /// <summary>The body, or the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options) where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body must be JSON (Content-Type: application/json)."));
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Empty body", detail: "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 0 } path ? $" at {path}" : "";
            string line = e.LineNumber is { } l ? $" (line {l + 1}, byte {e.BytePositionInLine + 1})" : "";
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed JSON", detail: $"The body is not valid for this request{where}{line}: {Describe(e.Message, e.Path, typeof(T))}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: e.Message));
        }
    }

    private static readonly Regex NotConverted = new(@"^The JSON value could not be converted to (?<type>\S+?)\.\s", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex NotMapped = new(@"^The JSON property '(?<name>[^']*)' could not be mapped", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// What is wrong in words a client of the API understands: the serializer's message names .NET types (a string
    /// where a number belongs reads "could not be converted to System.Nullable`1[System.Double]"), which say nothing
    /// to a client and tell it how the server is built; those become the JSON kind expected, or the request's fields.
    /// </summary>
    internal static string Describe(string message, string? path, Type request)
    {
        if (NotConverted.IsMatch(message))
        {
            // The path says which field; its type in the request record says what it should have been.
            var type = FieldType(request, path);
            return type is null || type == request ? $"expected an object with the fields {Fields(request)}." : $"expected {Expected(type)}.";
        }
        if (NotMapped.Match(message) is { Success: true } mapped)
            return $"'{mapped.Groups["name"].Value}' is not a field of this request; its fields are {Fields(request)}.";
        string first = FirstSentence(message);
        // Whatever else the serializer says, never a .NET type name or an exception's name.
        return first.Contains("System.", StringComparison.Ordinal) || first.Contains("MetaNlp.", StringComparison.Ordinal) || first.Contains("Exception", StringComparison.Ordinal)
            ? "a value does not have the type its field needs."
            : first;
    }

    // The .NET type at a JSON path such as $.examples[3].text in the request record; null when the path leads nowhere.
    private static Type? FieldType(Type request, string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return request;
        Type? type = request;
        foreach (Match step in PathStep.Matches(path))
        {
            if (type is null) return null;
            if (step.Groups["index"].Success) type = ElementType(type);
            else
            {
                string name = step.Groups["name"].Value;
                type = type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            }
        }
        return type;
    }

    private static readonly Regex PathStep = new(@"\.(?<name>[A-Za-z_][A-Za-z0-9_]*)|\['(?<name>[^']*)'\]|\[(?<index>\d+)\]", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    // The JSON kind a field's .NET type is read from.
    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number (within range)";
        if (type == typeof(bool)) return "true or false";
        if (ElementType(type) is { } element) return $"an array of {Plural(Expected(element))}";
        return "an object";
    }

    private static string Plural(string kind) => kind switch
    {
        "a string" => "strings",
        "a number" => "numbers",
        "a whole number (within range)" => "whole numbers (within range)",
        "an object" => "objects",
        _ => kind,
    };

    private static string Fields(Type request) =>
        string.Join(", ", request.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)));

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] + "." : message;
    }
}
