using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Models;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp eval --all-splits</c> on a FewCLUE task: maps the options onto <see cref="FewClueEvaluator"/> (one model
/// per split through a "{split}" placeholder in --model, or the untrained floor) and prints its result.
/// </summary>
internal static class FewClueSplitsEval
{
    /// <summary>The placeholder in --model replaced by the split index 1 to 5.</summary>
    public const string Placeholder = "{split}";

    public static void Run(string datasetName, string dataDir, string? modelPath, Func<SelectedData, FewShotModel> untrained, bool asJson, JsonObject report)
    {
        var info = DatasetRegistry.Get(datasetName);
        if (info.Protocol.Kind != BenchmarkKind.AllClasses || !info.Name.StartsWith("fewclue-", StringComparison.Ordinal))
            throw new ArgumentException($"--all-splits is the FewCLUE protocol; '{info.Name}' is not a FewCLUE task (fewclue-eprstmt, fewclue-tnews, fewclue-iflytek, fewclue-csldcp).");
        if (modelPath is not null && !modelPath.Contains(Placeholder, StringComparison.Ordinal) && File.Exists(modelPath))
            throw new ArgumentException($"--all-splits evaluates one model per split: write {Placeholder} in --model where the split number goes (e.g. runs/tnews-{Placeholder}/model.ckpt), or leave --model out for the untrained floor.");
        var perSplit = new JsonArray();
        var result = FewClueEvaluator.Evaluate(info, dataDir, (index, loaded) =>
        {
            var model = modelPath is null
                ? untrained(new SelectedData(info.Name, loaded.Dataset, null, loaded))
                : PretrainedModels.Load(modelPath.Replace(Placeholder, index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            return model.Learner;
        }, splitDone: s =>
        {
            perSplit.Add(new JsonObject { ["split"] = s.SplitIndex, ["accuracy"] = Output.Percent(s.Result.Accuracy.Mean), ["queries"] = s.Result.QuerySize, ["support"] = s.Result.SupportSize });
            if (!asJson) Console.WriteLine($"split {s.SplitIndex} (train_{s.SplitIndex - 1}): accuracy {s.Result.Accuracy.Mean * 100:F2} % on {s.Result.QuerySize} test_public queries");
        });
        report["splits"] = perSplit;
        report["accuracy"] = Output.Percent(result.Accuracy.Mean);
        report["std"] = Output.Percent(result.Accuracy.StandardDeviation);
        if (!asJson) Console.WriteLine($"{info.Name}: mean accuracy {result.Accuracy.Mean * 100:F2} % (std {result.Accuracy.StandardDeviation * 100:F2}) over {result.Splits.Count} splits");
    }
}
