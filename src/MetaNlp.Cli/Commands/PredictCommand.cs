using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Text;
using MetaNlp.Workarounds;
using TorchSharp;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp predict</c>: adapt a model to a labelled support file and classify texts from the command line or stdin.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string>("--model") { Description = "Checkpoint made by `metanlp train`, or minilm: the pretrained encoder, frozen, with cosine prototypes.", Required = true };
        var support = new Option<string?>("--support")
        {
            Description = "Labelled examples of the classes to predict: CSV (text,label) or JSONL. Required unless the model holds its examples (a classifier saved by FewShotClassifier.Save).",
        };
        var texts = new Option<string[]>("--text") { Description = "A text to classify (repeatable). Without it, one text per line is read from stdin.", AllowMultipleArgumentsPerToken = false };
        var labelText = new Option<bool>("--label-text")
        {
            Description = "With --model minilm: read each class label as one more support example of its class (the label with _ and - as spaces, or its --label-names text). Off by default: it helps topic, intent and relation labels and hurts polarity words such as positive / negative (docs/BENCHMARKS.md). A trained model keeps the setting it was trained with.",
        };
        var labelNames = new Option<string?>("--label-names") { Description = "With --model minilm: JSON file of label texts, {\"label\": \"text\"}, for labels that are codes (turns --label-text on)." };
        var labelTextWeight = CliOptions.LabelTextWeight($"With --model minilm: how many support examples each label text counts as, 1 to {LabelTexts.MaxWeight} (turns --label-text on; default 1).", 1);
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();
        var command = new Command("predict", "Classify texts into the classes of a support file, with probabilities.");
        foreach (var option in new Option[] { modelPath, support, texts, labelText, labelNames, labelTextWeight, threads, json }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            NativeThreads.SetThreads(result.GetValue(threads));
            string modelName = result.GetValue(modelPath)!;
            var model = ReadLabelTexts(result, labelText, labelNames, labelTextWeight, modelName) is { } labelTexts
                ? PretrainedModels.Create(modelName, labelTexts)
                : PretrainedModels.Load(modelName);
            IReadOnlyList<TextExample> examples = result.GetValue(support) is { } supportPath
                ? DatasetFile.Load(supportPath, Path.GetExtension(supportPath).Equals(".jsonl", StringComparison.OrdinalIgnoreCase) ? "jsonl" : "csv").All
                : (File.Exists(modelName) ? Checkpoint.ReadHeader(modelName).Support : null)
                    ?? throw new ArgumentException($"--support: '{modelName}' holds no examples to classify with; give a file of labelled examples.");
            var inputs = result.GetValue(texts) is { Length: > 0 } given ? given : ReadStdin();
            if (inputs.Count == 0) throw new ArgumentException("No texts to classify: give --text \"...\" or pipe lines on stdin.");
            for (int i = 0; i < inputs.Count; i++) VisibleText.Require(inputs[i], $"--text {i + 1}");
            model.Learner.Module.eval();
            using var classifier = model.Learner.Adapt(examples);
            var predictions = classifier.Predict(inputs);
            if (result.GetValue(json))
            {
                var array = new JsonArray();
                for (int i = 0; i < inputs.Count; i++) array.Add(ToJson(inputs[i], predictions[i], classifier.Labels));
                Output.Json(new JsonObject { ["model"] = File.Exists(modelName) ? Path.GetFullPath(modelName) : modelName, ["labels"] = new JsonArray([.. classifier.Labels.Select(l => (JsonNode?)l)]), ["predictions"] = array });
            }
            else
            {
                for (int i = 0; i < inputs.Count; i++) Console.WriteLine($"{predictions[i].Label}\t{predictions[i].Probability:F3}\t{inputs[i]}");
            }
            return 0;
        }));
        return command;
    }

    // The label texts the options ask for, for the ready-made model only: a checkpoint's learner was trained with or
    // without them and keeps that setting (FewShotModel reads it from the spec).
    private static LabelTexts? ReadLabelTexts(ParseResult result, Option<bool> labelText, Option<string?> labelNames, Option<int> labelTextWeight, string modelName)
    {
        string? file = result.GetValue(labelNames);
        bool weightGiven = result.GetResult(labelTextWeight) is { Implicit: false };
        if (!result.GetValue(labelText) && file is null && !weightGiven) return null;
        if (!PretrainedModels.IsName(modelName) || File.Exists(modelName))
            throw new ArgumentException($"--label-text, --label-names and --label-text-weight apply to --model {PretrainedModels.MiniLm}; the trained model '{modelName}' reads label texts as it was trained to.");
        return new LabelTexts
        {
            Names = file is not null ? LabelTexts.ReadNames(file) : new Dictionary<string, string>(),
            Weight = result.GetValue(labelTextWeight),
        };
    }

    private static IReadOnlyList<string> ReadStdin()
    {
        if (!Console.IsInputRedirected) return [];
        var lines = new List<string>();
        while (Console.In.ReadLine() is { } line)
        {
            if (!VisibleText.IsBlank(line)) lines.Add(line); // blank lines separate nothing worth classifying
        }
        return lines;
    }

    internal static JsonObject ToJson(string text, Prediction prediction, IReadOnlyList<string> labels)
    {
        var probabilities = new JsonObject();
        for (int c = 0; c < labels.Count; c++) probabilities[labels[c]] = Math.Round(prediction.Probabilities[c], 6);
        return new JsonObject { ["text"] = text, ["label"] = prediction.Label, ["probability"] = Math.Round(prediction.Probability, 6), ["probabilities"] = probabilities };
    }
}
