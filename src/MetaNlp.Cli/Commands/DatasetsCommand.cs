using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Training;
using Spectre.Console;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp datasets list|info|download</c>.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List, describe and download the benchmark datasets.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Download());
        return command;
    }

    private static Argument<string> NameArgument() => new Argument<string>("name") { Description = "Dataset name (see `metanlp datasets list`)." }
        .AcceptOnlyFromAmong([.. DatasetRegistry.Names]);

    private static Command List()
    {
        var dataDir = CliOptions.DataDir();
        var json = CliOptions.Json();
        var command = new Command("list", "The datasets MetaNlp knows, and whether each is in the data folder.") { dataDir, json };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string dir = DataDirectory.Resolve(result.GetValue(dataDir));
            if (result.GetValue(json))
            {
                var array = new JsonArray();
                foreach (var info in DatasetRegistry.All)
                    array.Add(new JsonObject { ["name"] = info.Name, ["kind"] = info.Protocol.Kind.ToString(), ["present"] = info.MissingFiles(dir).Count == 0, ["description"] = info.Description });
                Output.Json(new JsonObject { ["data_dir"] = Path.GetFullPath(dir), ["datasets"] = array });
                return 0;
            }
            var table = new Table().AddColumns("name", "protocol", "present", "description");
            foreach (var info in DatasetRegistry.All)
                table.AddRow(Markup.Escape(info.Name), info.Protocol.Kind.ToString(), info.MissingFiles(dir).Count == 0 ? "yes" : "no", Markup.Escape(info.Description));
            AnsiConsole.Write(table);
            Console.WriteLine($"Data folder: {Path.GetFullPath(dir)}");
            return 0;
        }));
        return command;
    }

    private static Command Info()
    {
        var name = NameArgument();
        var dataDir = CliOptions.DataDir();
        var json = CliOptions.Json();
        var command = new Command("info", "A dataset's protocol, source, licence and files.") { name, dataDir, json };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var info = DatasetRegistry.Get(result.GetValue(name)!);
            string dir = DataDirectory.Resolve(result.GetValue(dataDir));
            var missing = info.MissingFiles(dir).Select(f => f.RelativePath).ToHashSet();
            var p = info.Protocol;
            if (result.GetValue(json))
            {
                var files = new JsonArray();
                foreach (var f in info.Files)
                    files.Add(new JsonObject { ["path"] = f.RelativePath, ["url"] = f.Url, ["sha256"] = f.Sha256, ["size"] = f.Size, ["present"] = !missing.Contains(f.RelativePath) });
                Output.Json(new JsonObject
                {
                    ["name"] = info.Name,
                    ["description"] = info.Description,
                    ["citation"] = info.Citation,
                    ["folder"] = info.Folder,
                    ["protocol"] = new JsonObject { ["kind"] = p.Kind.ToString(), ["ways"] = p.Ways, ["shots"] = new JsonArray([.. p.Shots.Select(s => (JsonNode?)s)]), ["queries"] = p.QueriesPerClass, ["test_episodes"] = p.TestEpisodes, ["notes"] = p.Notes },
                    ["files"] = files,
                    ["recipes"] = new JsonArray([.. TrainingRecipe.All(DatasetRecipes.Of(info.Name)).Select(r => (JsonNode?)new JsonObject
                    {
                        ["encoder"] = r.Encoder.Kind,
                        ["options"] = r.Describe(),
                        ["evidence"] = r.Evidence,
                    })]),
                });
                return 0;
            }
            Console.WriteLine($"{info.Name}: {info.Description}");
            Console.WriteLine($"Source and licence: {info.Citation}");
            Console.WriteLine($"Protocol: {p.Kind}, {p.Ways}-way, shots {string.Join("/", p.Shots)}, {p.QueriesPerClass} queries per class, {p.TestEpisodes} test episodes. {p.Notes}");
            Console.WriteLine($"Folder: {Path.GetFullPath(Path.Combine(dir, info.Folder))} ({info.Files.Count} files, {info.TotalSize / 1e6:F1} MB, {info.Files.Count - missing.Count} present)");
            foreach (var f in info.Files.Take(20)) Console.WriteLine($"  {(missing.Contains(f.RelativePath) ? "missing" : "present"),-8} {f.RelativePath} ({f.Size:N0} B)");
            if (info.Files.Count > 20) Console.WriteLine($"  ... and {info.Files.Count - 20} more");
            Console.WriteLine($"Training recipes, the defaults of `metanlp train --dataset {info.Name}` (the first) and of each --encoder:");
            foreach (var r in TrainingRecipe.All(DatasetRecipes.Of(info.Name)))
            {
                Console.WriteLine($"  {r.Encoder.Kind}: {r.Describe()}");
                Console.WriteLine($"    {r.Evidence}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Download()
    {
        var name = NameArgument();
        var dataDir = CliOptions.DataDir();
        var mirror = new Option<Uri?>("--mirror") { Description = "Fetch each file from this base URL + its relative path instead of its canonical URL." };
        var json = CliOptions.Json();
        var command = new Command("download", "Fetch a dataset's files into the data folder and verify their SHA-256.") { name, dataDir, mirror, json };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var info = DatasetRegistry.Get(result.GetValue(name)!);
            string dir = DataDirectory.Resolve(result.GetValue(dataDir));
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            var downloader = new DatasetDownloader(http, result.GetValue(mirror));
            bool asJson = result.GetValue(json);
            var outcome = ProgressDisplay.Run(asJson, $"downloading {info.Name}", info.TotalSize, report =>
            {
                long done = 0;
                var progress = new SynchronousProgress<DownloadProgress>(p =>
                {
                    if (p.State is DownloadFileState.Completed or DownloadFileState.Skipped) done += info.Files[p.FileIndex].Size;
                    report(done, p.RelativePath);
                });
                return downloader.DownloadAsync(info, dir, progress).GetAwaiter().GetResult();
            });
            if (asJson)
                Output.Json(new JsonObject { ["dataset"] = info.Name, ["data_dir"] = Path.GetFullPath(dir), ["downloaded"] = outcome.Downloaded.Count, ["skipped"] = outcome.Skipped.Count, ["bytes"] = outcome.BytesDownloaded });
            else
                Console.WriteLine($"{info.Name}: {outcome.Downloaded.Count} files downloaded and verified, {outcome.Skipped.Count} already present, into {Path.GetFullPath(dir)}.");
            return 0;
        }));
        return command;
    }

    private sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
