using System.Text.Json;
using MetaNlp.Explain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MetaNlp.Server;

/// <summary>The classifier API under <c>/api</c>: create, list, get, delete, change examples, classify, explain.</summary>
public static class ClassifierEndpoints
{
    /// <summary>
    /// Maps the routes: every write needs an API key, reads only when <see cref="ServerOptions.KeysForReads"/> says so.
    /// A classifier belongs to the owner of the key that created it (<see cref="ApiCaller"/>): another owner's key
    /// gets 404, as for a classifier that does not exist, on delete and change, and, with keys for reads, on get,
    /// classify and explain; the list shows only its own. Admin keys manage every classifier.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app, ServerOptions options, ClassifierStore store, ClassifierRuntime runtime, ApiKeys keys, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        // The classifier if this request may see it: reads without a key checked see all, keyed requests their owner's (admins all).
        (StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)? Visible(HttpContext context, string id) =>
            store.GetWithExamples(id) is { } found && (ApiKeys.Caller(context) is not { } caller || caller.Owns(found.Classifier)) ? found : null;
        // The same check without reading the examples: classify and explain read them only when the adapted classifier
        // of this id and version is not cached.
        StoredClassifier? VisibleClassifier(HttpContext context, string id) =>
            store.Get(id) is { } found && (ApiKeys.Caller(context) is not { } caller || caller.Owns(found)) ? found : null;
        bool Manages(HttpContext context, string id) => store.Get(id) is { } c && ApiKeys.Caller(context) is { } caller && caller.Owns(c);
        var validator = new RequestValidator(options.Limits);
        var api = app.MapGroup("/api").WithTags("classifiers").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        if (options.RateLimit > 0) api.ProducesProblem(StatusCodes.Status429TooManyRequests);
        var reads = api.MapGroup("");
        var writes = api.MapGroup("").RequireKey();
        writes.AddEndpointFilterFactory(keys.Require);
        if (options.KeysForReads)
        {
            reads.RequireKey();
            reads.AddEndpointFilterFactory(keys.Require);
        }
        Task<(T? Body, IResult? Problem)> ReadValid<T>(HttpRequest request, Func<T, Dictionary<string, string[]>> check) where T : class => ReadValidBody(request, json, check);

        reads.MapGet("/models", () => runtime.Catalog.All.Select(m => new BaseModelOutput(m.Name, m.Model.Spec.Algorithm, m.Model.Spec.Encoder.Kind, m.Name == runtime.Catalog.DefaultName, m.DefaultThreshold)).ToArray())
            .WithName("ListModels").WithSummary("The base models a classifier can be made from.");

        writes.MapPost("/classifiers", async (HttpRequest request) =>
        {
            var (body, problem) = await ReadValid<CreateClassifierRequest>(request, validator.Check);
            if (problem is not null) return problem;
            var examples = body!.Examples!.Select(e => (e.Text!, e.Label!.Trim())).ToArray();
            if (validator.CheckClassifier(examples.Select(e => e.Item2).ToArray(), examples.Length) is { } invalid)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["examples"] = [invalid] });
            string baseModel = body.BaseModel ?? runtime.Catalog.DefaultName;
            if (runtime.Catalog.Find(baseModel) is not { } model)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["baseModel"] = [$"'{baseModel}' is not a base model of this server; see GET /api/models"] });
            var created = store.Create(body.Name!.Trim(), baseModel, body.Threshold ?? model.DefaultThreshold, examples, ApiKeys.Caller(request.HttpContext)?.Owner);
            var stored = store.GetWithExamples(created.Id)!.Value;
            return Results.Created($"/api/classifiers/{created.Id}", ClassifierResponse.From(stored.Classifier, stored.Examples, withExamples: true));
        }).Accepts<CreateClassifierRequest>("application/json").Produces<ClassifierResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesBodyProblems()
          .WithName("CreateClassifier").WithSummary("Creates a classifier from labelled examples (at least two labels); without a threshold it gets its base model's defaultThreshold (GET /api/models).");

        reads.MapGet("/classifiers", (HttpContext context, HttpResponse response, int? offset, int? limit) =>
        {
            var errors = validator.CheckPage(offset, limit);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var caller = ApiKeys.Caller(context);
            var (page, total) = store.ListPage(offset ?? 0, limit ?? RequestValidator.DefaultPageSize, caller is { IsAdmin: false } ? caller.Owner : null);
            response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(page.Select(p => ClassifierResponse.From(p.Classifier, p.LabelCounts)).ToArray());
        }).Produces<ClassifierResponse[]>().ProducesValidationProblem()
            .WithName("ListClassifiers").WithSummary($"A page of the classifiers, oldest first, without their examples: ?offset= (0) and ?limit= (1 to {RequestValidator.MaxPageSize}, default {RequestValidator.DefaultPageSize}); the X-Total-Count header says how many there are.");

        reads.MapGet("/classifiers/{id}", (HttpContext context, string id) =>
            Visible(context, id) is { } found ? Results.Ok(ClassifierResponse.From(found.Classifier, found.Examples, withExamples: true)) : NotFound(id))
            .Produces<ClassifierResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithName("GetClassifier").WithSummary("One classifier with its examples.");

        writes.MapDelete("/classifiers/{id}", (HttpContext context, string id) =>
        {
            if (!Manages(context, id) || !store.Delete(id)) return NotFound(id);
            runtime.Forget(id);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).WithName("DeleteClassifier").WithSummary("Deletes a classifier and its examples.");

        writes.MapPatch("/classifiers/{id}/examples", async (string id, HttpRequest request) =>
        {
            var (body, problem) = await ReadValid<ChangeExamplesRequest>(request, validator.Check);
            if (problem is not null) return problem;
            if (!Manages(request.HttpContext, id)) return NotFound(id);
            var add = (body!.Add ?? []).Select(e => (e.Text!, e.Label!.Trim())).ToArray();
            try
            {
                bool found = store.ChangeExamples(id, add, body.Remove ?? [], after =>
                {
                    if (validator.CheckClassifier(after.Select(e => e.Label).ToArray(), after.Count) is { } invalid) throw new ChangeRefusedException(invalid);
                });
                if (!found) return NotFound(id);
            }
            catch (KeyNotFoundException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["remove"] = [e.Message] });
            }
            catch (ChangeRefusedException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Change refused", detail: e.Message);
            }
            var stored = store.GetWithExamples(id);
            return stored is { } s ? Results.Ok(ClassifierResponse.From(s.Classifier, s.Examples, withExamples: true)) : NotFound(id);
        }).Accepts<ChangeExamplesRequest>("application/json").Produces<ClassifierResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
          .ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems()
          .WithName("ChangeExamples").WithSummary("Adds and removes examples in one change; the classifier re-adapts.");

        reads.MapPost("/classifiers/{id}/classify", async (string id, HttpRequest request) =>
        {
            var (body, problem) = await ReadValid<ClassifyRequest>(request, validator.Check);
            if (problem is not null) return problem;
            if (VisibleClassifier(request.HttpContext, id) is not { } found) return NotFound(id);
            if (runtime.Catalog.Find(found.BaseModel) is null) return BaseModelNotLoaded(found);
            var texts = body!.Texts!;
            if (validator.CheckCost(texts) is { } tooCostly) return tooCostly;
            try
            {
                var (version, predictions) = await runtime.ClassifyAsync(found, () => store.GetWithExamples(id), texts, request.HttpContext.RequestAborted);
                return Results.Ok(new ClassifyResponse(id, version, predictions.Select((p, i) => Output(texts[i], p)).ToArray()));
            }
            catch (KeyNotFoundException)
            {
                return NotFound(id);   // deleted between the look-up and the reading of its examples
            }
        }).Accepts<ClassifyRequest>("application/json").Produces<ClassifyResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
          .ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems().WithName("Classify")
          .WithSummary(string.Create(System.Globalization.CultureInfo.InvariantCulture,
              $"Labels and probabilities for a batch of texts; \"none of these\" under the threshold. A batch over {options.Limits.MaxRequestCharacters:N0} characters in all answers 413."));

        reads.MapPost("/classifiers/{id}/explain", async (string id, HttpRequest request) =>
        {
            var (body, problem) = await ReadValid<ExplainRequest>(request, validator.Check);
            if (problem is not null) return problem;
            if (VisibleClassifier(request.HttpContext, id) is not { } found) return NotFound(id);
            if (runtime.Catalog.Find(found.BaseModel) is null) return BaseModelNotLoaded(found);
            try
            {
                var (version, prediction, nearest, attributions) = await runtime.ExplainAsync(found, () => store.GetWithExamples(id), body!.Text!, body.Top ?? 5,
                    // The pad baseline: the zero vector is degenerate where the sentence vector is scale-free (a bag of
                    // embeddings with cosine scores gives every point of the path but the baseline the same scores).
                    new AttributionOptions { Steps = body.Steps ?? 50, Baseline = AttributionBaseline.Pad }, request.HttpContext.RequestAborted);
                return Results.Ok(new ExplainResponse(id, version, Output(body.Text!, prediction),
                    nearest.Select(n => new NeighbourOutput(n.Example.Id, n.Example.Text, n.Example.Label, Math.Round(n.Score, 6))).ToArray(),
                    attributions is null ? null : Output(attributions)));
            }
            catch (KeyNotFoundException)
            {
                return NotFound(id);   // deleted between the look-up and the reading of its examples
            }
        }).Accepts<ExplainRequest>("application/json").Produces<ExplainResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
          .ProducesProblem(StatusCodes.Status409Conflict).ProducesBodyProblems().WithName("Explain").WithSummary("One prediction, the support examples nearest to the text, and its words' attributions (integrated gradients, checked by occlusion).");
    }

    private static async Task<(T? Body, IResult? Problem)> ReadValidBody<T>(HttpRequest request, JsonSerializerOptions json, Func<T, Dictionary<string, string[]>> check) where T : class
    {
        var (body, problem) = await JsonBody.ReadAsync<T>(request, json);
        if (problem is not null) return (null, problem);
        var errors = check(body!);
        return errors.Count > 0 ? (null, Results.ValidationProblem(errors)) : (body, null);
    }

    private static PredictionOutput Output(string text, LabelPrediction p) => new(text, p.Label, p.NoneOfThese, p.BestLabel, p.Probability, p.Probabilities);

    private static AttributionsOutput Output(TokenAttributions a)
    {
        var shares = ExplanationRendering.Shares(a);
        return new AttributionsOutput(a.Label, a.Against, a.Steps, Math.Round(a.InputGap, 6), Math.Round(a.BaselineGap, 6), Math.Round(a.CompletenessError, 6),
            [.. a.Tokens.Select(t => new TokenAttributionOutput(t.Token, t.Word, Math.Round(t.IntegratedGradients, 6), Math.Round(t.Occlusion, 6)))],
            [.. a.Words.Select((w, i) => new WordAttributionOutput(w.Text, w.Special, Math.Round(w.IntegratedGradients, 6), Math.Round(w.Occlusion, 6), Math.Round(shares[i], 4)))]);
    }

    // Thrown inside the store's transaction to roll a change back; only this type means "refused" (409).
    private sealed class ChangeRefusedException(string message) : Exception(message);

    /// <summary>Why a stored classifier cannot answer on this server, and how to make it answer (one line).</summary>
    public static string BaseModelMissing(StoredClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        string name = string.Concat(classifier.Name.Select(c => char.IsControl(c) ? ' ' : c));   // one line, whatever the name holds
        return $"classifier '{name}' ({classifier.Id}) uses base model '{classifier.BaseModel}', which this server has not loaded: "
            + $"its classify and explain requests answer 409 until the server starts with --model {classifier.BaseModel}=CHECKPOINT (the checkpoint it was made with)";
    }

    private static IResult BaseModelNotLoaded(StoredClassifier classifier)
    {
        string why = BaseModelMissing(classifier);
        return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Base model not loaded", detail: $"{char.ToUpperInvariant(why[0])}{why[1..]}.");
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Classifier not found", detail: $"There is no classifier '{id}'.");
}
