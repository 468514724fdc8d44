using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Reports;
using MetaNlp.Training;
using MetaNlp.Workarounds;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp report RUN_DIR</c>: the Markdown (and, with --html, self-contained HTML) report of a training run with
/// its plots (MetaNlp.Reports.RunReport).
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDir = new Argument<string>("RUN_DIR") { Description = "The folder `metanlp train --out` wrote (model.ckpt, train-state.ckpt, metrics.jsonl)." };
        var evals = new Option<string[]>("--eval")
        {
            Description = "A file holding the output of `metanlp eval --json` (repeatable, e.g. one per --shots): a table and the accuracy-against-shots plot.",
            AllowMultipleArgumentsPerToken = true,
        };
        var support = new Option<string?>("--support") { Description = "Labelled examples (CSV text,label or JSONL) of one episode's support set: with --queries, the 2-D projection plot of support, prototypes and queries." };
        var queries = new Option<string?>("--queries") { Description = "Labelled queries (CSV text,label or JSONL) of that episode, their labels among the support's." };
        var html = new Option<bool>("--html") { Description = "Also write report.html, one file with the pictures embedded." };
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();
        var command = new Command("report", "Write a Markdown or HTML report of a training run, with its learning curves and other plots.");
        command.Arguments.Add(runDir);
        foreach (var option in new Option[] { evals, support, queries, html, threads, json }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            string? supportPath = result.GetValue(support), queriesPath = result.GetValue(queries);
            if ((supportPath is null) != (queriesPath is null))
                throw new ArgumentException("--support and --queries go together: the projection shows one episode's support set and its queries.");
            var run = RunFolder.Open(result.GetValue(runDir)!);
            var shots = (result.GetValue(evals) ?? []).Select(ShotResult.ReadEvalJson).ToList();
            EpisodeProjection? projection = null;
            if (supportPath is not null)
            {
                NativeThreads.SetThreads(result.GetValue(threads));
                string modelPath = run.ModelPath ?? throw new ArgumentException($"--support: the run folder '{run.Directory}' has no {MetaTrainer.ModelFileName} to embed the episode with.");
                var model = Checkpoint.LoadModel(modelPath);
                model.Learner.Module.eval();
                projection = EpisodeProjection.Of(model.Embedder, Load(supportPath), Load(queriesPath!));
            }
            var written = RunReport.Write(run, shots, projection, result.GetValue(html));
            if (result.GetValue(json))
                Output.Json(new JsonObject { ["run"] = run.Directory, ["files"] = new JsonArray([.. written.Select(f => (JsonNode?)f)]) });
            else
                foreach (var file in written) Console.WriteLine(file);
            return 0;
        }));
        return command;
    }

    private static IReadOnlyList<TextExample> Load(string path) =>
        DatasetFile.Load(path, Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase) ? "jsonl" : "csv").All;
}
