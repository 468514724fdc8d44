using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Generation;
using MetaNlp.Text;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp generate</c>: adapt a generation model to a support file of pairs and generate for texts from the command line or stdin.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new GenerationAdaptationOptions();
        var modelPath = new Option<string>("--model") { Description = "A generation model (model.safetensors made by `metanlp train --task-family`).", Required = true };
        var support = new Option<string>("--support") { Description = "The task's example pairs, JSONL: one {\"source\": ..., \"target\": ...} per line. The model is adapted to them first.", Required = true };
        var texts = new Option<string[]>("--text") { Description = "A source text to generate for (repeatable). Without it, one text per line is read from stdin.", AllowMultipleArgumentsPerToken = false };
        var beam = CliOptions.Positive<int>("--beam", "Beam width, 1 (greedy) to 64.", 1);
        var maxLength = CliOptions.Positive<int>("--max-length", "Most generated subword tokens, 1 to 4,096.", 64);
        var steps = CliOptions.NonNegative("--steps", $"Adaptation steps on the support pairs (0: none), at most 1,000,000. Default: {defaults.Steps}.");
        var lr = CliOptions.Positive<double>("--lr", $"Adaptation learning rate, above 0 and at most 100. Default: {defaults.LearningRate} with sgd; an NLG model given neither --lr nor --optimizer adapts with adam at {GenerationAdaptationOptions.NlgAdamLearningRate}.", defaults.LearningRate);
        var optimizer = new Option<string>("--optimizer") { Description = "Adaptation update rule: sgd (the meta-trainer's inner rule) or adam.", DefaultValueFactory = _ => defaults.Optimizer }
            .AcceptOnlyFromAmong([.. GenerationAdaptationOptions.Optimizers]);
        var batch = CliOptions.Positive<int>("--batch-size", "Support pairs per adaptation step, 1 to 100,000.", defaults.BatchSize);
        var seed = CliOptions.Seed(defaults.Seed);
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();
        var command = new Command("generate", "Adapt a generation model to a few example pairs, then generate for new texts.");
        foreach (var option in new Option[] { modelPath, support, texts, beam, maxLength, steps, lr, optimizer, batch, seed, threads, json }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            NativeThreads.SetThreads(result.GetValue(threads));
            string file = result.GetValue(modelPath)!;
            var (model, _) = GenerationModel.Load(file);
            // Given neither rule nor rate, the model's family picks them (an NLG model adapts with Adam at 1e-3).
            var familyRule = result.GetResult(optimizer) is not { Implicit: false } && result.GetResult(lr) is not { Implicit: false }
                ? GenerationAdaptationOptions.For(model.Family) : null;
            var adaptation = new GenerationAdaptationOptions
            {
                Steps = CliOptions.Given(result, steps, defaults.Steps),
                LearningRate = familyRule?.LearningRate ?? result.GetValue(lr),
                Optimizer = familyRule?.Optimizer ?? result.GetValue(optimizer)!,
                BatchSize = result.GetValue(batch),
                Seed = result.GetValue(seed),
            };
            var decoding = new GenerationDecodeOptions { Beam = result.GetValue(beam), MaxLength = result.GetValue(maxLength) };
            WithOption("--lr/--steps/--batch-size", adaptation.Validate);
            WithOption("--beam/--max-length", decoding.Validate);
            var pairs = GenerationPairFile.Read(result.GetValue(support)!);
            IReadOnlyList<string> inputs = result.GetValue(texts) is { Length: > 0 } given ? given : ReadStdin();
            if (inputs.Count == 0) throw new ArgumentException("No texts to generate for: give --text \"...\" or pipe lines on stdin.");
            for (int i = 0; i < inputs.Count; i++) VisibleText.Require(inputs[i], $"--text {i + 1}");
            using var scope = NewDisposeScope();
            var adapted = GenerationAdapter.Adapt(model.Transformer, model.Weights, model.Encode(pairs), adaptation);
            var outputs = GenerationEvaluator.Generate(model, adapted, inputs, decoding);
            if (result.GetValue(json))
            {
                Output.Json(new JsonObject
                {
                    ["model"] = Path.GetFullPath(file),
                    ["support"] = pairs.Count,
                    ["generations"] = new JsonArray([.. inputs.Select((t, i) => (JsonNode)new JsonObject { ["text"] = t, ["generation"] = outputs[i] })]),
                });
            }
            else
            {
                foreach (var output in outputs) Console.WriteLine(output);
            }
            return 0;
        }));
        return command;
    }

    // An option record's bound error, said in the command line's words.
    private static void WithOption(string options, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{options}: {OptionBounds.MessageOf(e)}", e);
        }
    }

    private static List<string> ReadStdin()
    {
        if (!Console.IsInputRedirected) return [];
        var lines = new List<string>();
        while (Console.In.ReadLine() is { } line)
            if (!VisibleText.IsBlank(line)) lines.Add(line);
        return lines;
    }
}
