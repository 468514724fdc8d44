using System.Globalization;
using MetaNlp.Text;
using Microsoft.AspNetCore.Http;

namespace MetaNlp.Server;

/// <summary>Checks request bodies against <see cref="ServiceLimits"/>; each problem is reported under the field it concerns.</summary>
public sealed class RequestValidator(ServiceLimits limits)
{
    private readonly ServiceLimits _limits = limits ?? throw new ArgumentNullException(nameof(limits));

    /// <summary>Classifiers in a page of the list when the request gives no limit.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Most classifiers in one page of the list.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Problems of the list's paging parameters, by field (empty when valid).</summary>
    public Dictionary<string, string[]> CheckPage(int? offset, int? limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (offset is < 0) errors["offset"] = ["must be 0 or more"];
        if (limit is < 1 or > MaxPageSize) errors["limit"] = [$"must be from 1 to {MaxPageSize}"];
        return errors;
    }

    /// <summary>Problems of a create request, by field (empty when valid).</summary>
    public Dictionary<string, string[]> Check(CreateClassifierRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (VisibleText.IsBlank(request.Name)) errors["name"] = ["is required and must have a visible character"];
        else if (request.Name.Length > _limits.MaxNameLength) errors["name"] = [$"is longer than {_limits.MaxNameLength} characters"];
        if (request.Threshold is { } t && (double.IsNaN(t) || t < 0 || t > 1)) errors["threshold"] = ["must be between 0 and 1"];
        if (request.Examples is null || request.Examples.Count == 0) errors["examples"] = ["is required: at least one example for each of two labels"];
        else CheckExamples(request.Examples, "examples", errors);
        return errors;
    }

    /// <summary>Problems of a change request, by field (empty when valid).</summary>
    public Dictionary<string, string[]> Check(ChangeExamplesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if ((request.Add?.Count ?? 0) + (request.Remove?.Count ?? 0) == 0) errors["add"] = ["add or remove at least one example"];
        if (request.Add is { Count: > 0 }) CheckExamples(request.Add, "add", errors);
        if (request.Remove is { } remove && remove.Distinct().Count() != remove.Count) errors["remove"] = ["lists an example twice"];
        return errors;
    }

    /// <summary>Problems of a classify request, by field (empty when valid).</summary>
    public Dictionary<string, string[]> Check(ClassifyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (request.Texts is null || request.Texts.Count == 0) errors["texts"] = ["is required: at least one text"];
        else if (request.Texts.Count > _limits.MaxBatch) errors["texts"] = [$"has {request.Texts.Count} texts; at most {_limits.MaxBatch} per request"];
        else
            for (int i = 0; i < request.Texts.Count; i++) CheckText(request.Texts[i], $"texts[{i}]", errors);
        return errors;
    }

    /// <summary>
    /// The 413 problem for a classify request whose texts hold more characters together than
    /// <see cref="ServiceLimits.MaxRequestCharacters"/> (its cost bound), naming the limit; null when within it.
    /// </summary>
    public IResult? CheckCost(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        long characters = texts.Sum(t => (long)t.Length);
        if (characters <= _limits.MaxRequestCharacters) return null;
        return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request over the cost limit",
            detail: string.Create(CultureInfo.InvariantCulture, $"The {texts.Count} texts of this request hold {characters:N0} characters together; one classify request may hold at most ")
                + string.Create(CultureInfo.InvariantCulture, $"{_limits.MaxRequestCharacters:N0} (the server's request cost limit, metanlp serve --max-request-chars). Send the texts in smaller requests."),
            extensions: new Dictionary<string, object?> { ["limit"] = _limits.MaxRequestCharacters, ["characters"] = characters });
    }

    /// <summary>Most integrated-gradients steps an explain request may ask for: each is a forward and backward pass of the text under the model's gate.</summary>
    public const int MaxExplainSteps = 200;

    /// <summary>Problems of an explain request, by field (empty when valid).</summary>
    public Dictionary<string, string[]> Check(ExplainRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        CheckText(request.Text, "text", errors);
        if (request.Top is { } top && (top < 1 || top > 100)) errors["top"] = ["must be between 1 and 100"];
        if (request.Steps is { } steps && (steps < 1 || steps > MaxExplainSteps)) errors["steps"] = [$"must be between 1 and {MaxExplainSteps}"];
        return errors;
    }

    /// <summary>Problems of a classifier's examples as they would be after a change: the label and example bounds, two labels at least.</summary>
    public string? CheckClassifier(IReadOnlyCollection<string> labels, int examples)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int distinct = labels.Distinct(StringComparer.Ordinal).Count();
        if (distinct < 2) return $"A classifier needs examples of at least two labels; it would have {distinct}.";
        if (distinct > _limits.MaxLabels) return $"A classifier may have at most {_limits.MaxLabels} labels; it would have {distinct}.";
        if (examples > _limits.MaxExamples) return $"A classifier may hold at most {_limits.MaxExamples} examples; it would hold {examples}.";
        return null;
    }

    private void CheckExamples(IReadOnlyList<ExampleInput> examples, string field, Dictionary<string, string[]> errors)
    {
        if (examples.Count > _limits.MaxExamples)
        {
            errors[field] = [$"has {examples.Count} examples; at most {_limits.MaxExamples}"];
            return;
        }
        for (int i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            if (example is null)
            {
                errors[$"{field}[{i}]"] = ["is null"];
                continue;
            }
            CheckText(example.Text, $"{field}[{i}].text", errors);
            if (VisibleText.IsBlank(example.Label)) errors[$"{field}[{i}].label"] = ["is required and must have a visible character"];
            else if (example.Label.Length > _limits.MaxNameLength) errors[$"{field}[{i}].label"] = [$"is longer than {_limits.MaxNameLength} characters"];
        }
    }

    private void CheckText(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (VisibleText.IsBlank(text)) errors[field] = ["is required and may not be blank (spaces, control, zero-width or filler characters only)"];
        else if (text.Length > _limits.MaxTextLength) errors[field] = [$"is {text.Length} characters long; at most {_limits.MaxTextLength}"];
    }
}
