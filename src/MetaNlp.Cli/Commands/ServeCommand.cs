using System.CommandLine;
using MetaNlp.Server;
using MetaNlp.Training;
using TorchSharp;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp serve</c>: the few-shot classification service and its web page (docs/SERVICE.md).</summary>
internal static class ServeCommand
{
    /// <summary>Environment variable with comma-separated API keys (keeps keys out of the process list).</summary>
    public const string KeysVariable = "METANLP_API_KEYS";

    public static Command Create()
    {
        var urls = new Option<string[]>("--urls") { Description = "Addresses to listen on.", DefaultValueFactory = _ => ["http://127.0.0.1:5000"] };
        var db = new Option<string>("--db") { Description = "SQLite database of the classifiers (created if absent).", DefaultValueFactory = _ => "metanlp.db" };
        var models = new Option<string[]>("--model")
        {
            Description = "Base model: minilm (the pretrained encoder, built in) or NAME=CHECKPOINT (repeatable; the first is the default).",
            DefaultValueFactory = _ => [BaseModelSource.Pretrained.Name],
        };
        var keys = new Option<string[]>("--api-key")
        {
            Description = $"API key that may write: KEY, tenant:NAME:KEY (keys of a tenant share its classifiers), admin: before either (manages every classifier); repeatable, also ${KeysVariable}, comma-separated.",
        };
        var keysForReads = new Option<bool>("--keys-for-reads") { Description = "Require an API key for reads (list, get, classify, explain) too." };
        var allowedHosts = new Option<string[]>("--allowed-hosts")
        {
            Description = "Host names accepted in the Host header (repeatable or comma-separated; * for any). Default: localhost, 127.0.0.1, [::1] when listening on loopback only, otherwise any.",
        };
        var threads = CliOptions.Threads();
        var command = new Command("serve", "Run the few-shot classification service with its web page.");
        foreach (var option in new Option[] { urls, db, models, keys, keysForReads, allowedHosts, threads }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            NativeThreads.SetThreads(result.GetValue(threads));
            var options = new ServerOptions
            {
                Urls = result.GetValue(urls)!,
                DatabasePath = result.GetValue(db)!,
                BaseModels = result.GetValue(models)!.Select(ParseModel).ToArray(),
                ApiKeys = [.. result.GetValue(keys) ?? [], .. (Environment.GetEnvironmentVariable(KeysVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                KeysForReads = result.GetValue(keysForReads),
                AllowedHosts = [.. (result.GetValue(allowedHosts) ?? []).SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            };
            if (options.ApiKeys.Count == 0) Console.Error.WriteLine($"warning: no API key given (--api-key or ${KeysVariable}): every write will be refused.");
            using var app = ServerApp.Build(options, warn: message => Console.Error.WriteLine($"warning: {message}"));
            app.Run();
            return 0;
        }));
        return command;
    }

    private static BaseModelSource ParseModel(string value)
    {
        if (value == BaseModelSource.Pretrained.Name) return BaseModelSource.Pretrained;
        int eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == value.Length - 1) throw new ArgumentException($"--model '{value}': expected minilm or NAME=CHECKPOINT.");
        return new BaseModelSource(value[..eq].Trim(), value[(eq + 1)..].Trim());
    }
}
