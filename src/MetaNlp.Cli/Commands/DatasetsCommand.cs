using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Training;
using Spectre.Console;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp datasets list|info|download|episodes</c>.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List, describe and download the benchmark datasets, and write the episodes a run trains on.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Info());
        command.Subcommands.Add(Download());
        command.Subcommands.Add(Episodes());
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

    private static Command Episodes()
    {
        var data = new DataSelection();
        var episodes = new EpisodeOptions();
        var seed = CliOptions.Seed();
        var count = new Option<int>("--count") { Description = $"How many episodes, 1 to {MaxEpisodesWritten:N0}.", DefaultValueFactory = _ => 10 };
        var first = new Option<long>("--first") { Description = "Index of the first episode: 0 is the first a run draws; with --meta-batch B, step s trains on episodes s*B to s*B+B-1.", DefaultValueFactory = _ => 0 };
        var command = new Command("episodes",
            "Write the training episodes that `metanlp train` with the same data, episode options and --seed draws (the uniform sampler), one JSON object per line: " +
            "{\"episode\", \"classes\", \"support\": [{\"text\", \"label\"}], \"query\": [...]}. To inspect them, or to train another framework on exactly the same tasks.")
        {
            seed, count, first,
        };
        data.AddTo(command);
        episodes.AddTo(command);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            int howMany = result.GetValue(count);
            long from = result.GetValue(first);
            if (howMany < 1 || howMany > MaxEpisodesWritten) throw new ArgumentException($"--count must be 1 to {MaxEpisodesWritten:N0}; got {howMany}.");
            if (from < 0) throw new ArgumentException($"--first must be 0 or more; got {from}.");
            // The episodes `metanlp train` draws: its data, shape (with the default encoder's recipe's ways when --ways
            // is not given, as train takes them) and seed.
            var selected = data.Load(result, result.GetValue(episodes.Shots));
            var sampling = episodes.Read(result, selected.Registry?.Protocol);
            sampling = episodes.WithRecipeWays(result, sampling, DatasetRecipes.For(selected.Registry?.Info.Name, shots: sampling.Shots));
            var train = TrainingSources.From(selected.ForProtocol(), sampling with { AllowFewerWays = true }, result.GetValue(seed)).Train;
            for (long i = from; i < from + howMany; i++)
            {
                var episode = train.Sample(i);
                Output.Json(new JsonObject
                {
                    ["episode"] = i,
                    ["classes"] = new JsonArray([.. episode.Classes.Select(c => (JsonNode?)c)]),
                    ["support"] = Examples(episode.Support),
                    ["query"] = Examples(episode.Query),
                });
            }
            return 0;
        }));
        return command;

        static JsonArray Examples(IReadOnlyList<TextExample> examples) =>
            new([.. examples.Select(e => (JsonNode?)new JsonObject { ["text"] = e.Text, ["label"] = e.Label })]);
    }

    // Bounds what one call writes (an episode of 150 headlines is about 15 kB).
    private const int MaxEpisodesWritten = 100_000;

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
