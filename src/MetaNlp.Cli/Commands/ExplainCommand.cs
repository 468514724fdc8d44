using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Explain;
using MetaNlp.Text;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using MetaNlp.Models;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp explain</c>: adapt a model to a labelled support file and explain its prediction for one text: scores,
/// nearest support examples, the words coloured by integrated gradients (with occlusion), and a gradient learner's
/// adaptation trace. The library computes everything (<see cref="PredictionExplainer"/>, <see cref="ExplanationRendering"/>).
/// </summary>
internal static class ExplainCommand
{
    private static readonly JsonSerializerOptions Camel = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "Checkpoint made by `metanlp train`, or minilm: the pretrained encoder, frozen, with cosine prototypes.", Required = true };
        var support = new Option<string?>("--support")
        {
            Description = "Labelled examples of the classes: CSV (text,label) or JSONL. Required unless the model holds its examples (a classifier saved by FewShotClassifier.Save).",
        };
        var text = new Option<string>("--text") { Description = "The text to classify and explain.", Required = true };
        var html = new Option<string?>("--html") { Description = "Also write the explanation as one self-contained HTML page to this file (written atomically)." };
        var steps = CliOptions.Positive<int>("--steps", $"Integrated-gradients steps (Gauss-Legendre nodes), 1 to {AttributionOptions.MaxSteps}; default 50.", 50);
        var baseline = new Option<string>("--baseline") { Description = "What the token embeddings are compared with: zero (the zero vector, default) or pad (the padding token's embedding).", DefaultValueFactory = _ => "zero" };
        var top = CliOptions.Positive<int>("--top", "Nearest support examples to show, 1 to 1,000; default 5.", 5);
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();
        var command = new Command("explain", "Explain one prediction: scores, nearest support examples, words coloured by integrated gradients (checked by occlusion), a gradient learner's adaptation.");
        foreach (var option in new Option[] { modelPath, support, text, html, steps, baseline, top, threads, json }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            NativeThreads.SetThreads(result.GetValue(threads));
            string input = VisibleText.Require(result.GetValue(text), "--text");
            var options = new ExplainOptions
            {
                Top = result.GetValue(top),
                Attribution = new AttributionOptions
                {
                    Steps = result.GetValue(steps),
                    Baseline = result.GetValue(baseline)?.ToLowerInvariant() switch
                    {
                        "zero" => AttributionBaseline.Zero,
                        "pad" => AttributionBaseline.Pad,
                        var other => throw new ArgumentException($"--baseline: '{other}' is not a baseline; use zero or pad."),
                    },
                },
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new ArgumentException($"--{(e.ParamName == nameof(ExplainOptions.Top) ? "top" : "steps")}: {e.Message}", e);
            }
            string modelName = result.GetValue(modelPath)!;
            var model = PretrainedModels.Load(modelName);
            IReadOnlyList<TextExample> examples = result.GetValue(support) is { } supportPath
                ? DatasetFile.Load(supportPath, Path.GetExtension(supportPath).Equals(".jsonl", StringComparison.OrdinalIgnoreCase) ? "jsonl" : "csv").All
                : (File.Exists(modelName) ? Checkpoint.ReadHeader(modelName).Support : null)
                    ?? throw new ArgumentException($"--support: '{modelName}' holds no examples to explain with; give a file of labelled examples.");
            if (examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Count() < 2)
                throw new ArgumentException("--support: an explanation compares the predicted class with the runner-up, so the examples need at least two labels.");
            model.Learner.Module.eval();
            var explanation = PredictionExplainer.Explain(model.Learner, examples, input, options);
            if (result.GetValue(html) is { } htmlPath) ExplanationRendering.SaveHtml(explanation, htmlPath);
            if (result.GetValue(json))
            {
                var node = JsonSerializer.SerializeToNode(explanation, Camel)!.AsObject();
                node["model"] = File.Exists(modelName) ? Path.GetFullPath(modelName) : modelName;
                Output.Json(node);
            }
            else
            {
                // Colours only for a person at a terminal; a file or pipe gets the plain signs (NO_COLOR is honoured).
                bool ansi = !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
                Console.Write(ExplanationRendering.Text(explanation, ansi));
            }
            return 0;
        }));
        return command;
    }
}
