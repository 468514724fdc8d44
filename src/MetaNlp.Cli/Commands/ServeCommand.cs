using System.CommandLine;
using MetaNlp.Server;
using MetaNlp.Workarounds;
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
        var textCache = Bounded("--text-cache-mb", 0, MaxCacheMegabytes, (int)(ServerOptions.DefaultTextCacheBytes >> 20),
            "Most memory (MiB) of each per-text cache of a base model (MiniLM sentence vectors; hidden states of a fine-tuned MiniLM's frozen layers), least recently used dropped first; 0 turns them off.");
        var classifierCache = Bounded("--classifier-cache-mb", 1, MaxCacheMegabytes, (int)(ClassifierRuntime.DefaultCacheBytes >> 20),
            "Most memory (MiB, estimated) of the adapted classifiers kept ready (at most 256), least recently used dropped first.");
        var maxRequestChars = Bounded("--max-request-chars", 1, 10_000_000, new ServiceLimits().MaxRequestCharacters,
            "Cost limit of one classify request: the characters of all its texts together; above it the answer is 413.");
        var rateLimit = Bounded("--rate-limit", 0, 1_000_000, ServerOptions.DefaultRateLimit,
            "API requests one client (its API key, else its IP address) may make per --rate-window; above it the answer is 429 with Retry-After. 0 turns it off.");
        var rateWindow = Bounded("--rate-window", 1, 86_400, 60, "Seconds of one --rate-limit window.");
        var batchWait = Bounded("--batch-wait-ms", 0, (int)BatchingOptions.MaxWait.TotalMilliseconds, (int)BatchingOptions.DefaultWait.TotalMilliseconds,
            "Most milliseconds concurrent classify requests on one base model are gathered for, after the first, to be encoded in one forward pass; 0 batches only what is already waiting.");
        var batchTexts = Bounded("--batch-texts", 1, BatchingOptions.MaxTexts, BatchingOptions.DefaultTexts, "Most texts encoded in one batched forward pass.");
        var command = new Command("serve", "Run the few-shot classification service with its web page.");
        foreach (var option in new Option[] { urls, db, models, keys, keysForReads, allowedHosts, threads, textCache, classifierCache, maxRequestChars, rateLimit, rateWindow, batchWait, batchTexts })
            command.Options.Add(option);

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
                TextCacheBytes = (long)result.GetValue(textCache) << 20,
                ClassifierCacheBytes = (long)result.GetValue(classifierCache) << 20,
                Limits = new ServiceLimits { MaxRequestCharacters = result.GetValue(maxRequestChars) },
                RateLimit = result.GetValue(rateLimit),
                RateWindow = TimeSpan.FromSeconds(result.GetValue(rateWindow)),
                Batching = new BatchingOptions { Wait = TimeSpan.FromMilliseconds(result.GetValue(batchWait)), Texts = result.GetValue(batchTexts) },
            };
            if (options.ApiKeys.Count == 0) Console.Error.WriteLine($"warning: no API key given (--api-key or ${KeysVariable}): every write will be refused.");
            using var app = ServerApp.Build(options, warn: message => Console.Error.WriteLine($"warning: {message}"));
            app.Run();
            return 0;
        }));
        return command;
    }

    private const int MaxCacheMegabytes = 1 << 20;   // 1 TiB

    // An integer option with its default and inclusive bounds, checked by the parser (exit 2 with one line).
    private static Option<int> Bounded(string name, int min, int max, int value, string description)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {value:N0}; {min:N0} to {max:N0}.", DefaultValueFactory = _ => value };
        option.Validators.Add(r =>
        {
            if (CliOptions.Converted<int>(r) is int x && (x < min || x > max)) r.AddError($"{name} must be from {min:N0} to {max:N0} (got {x:N0}).");
        });
        return option;
    }

    private static BaseModelSource ParseModel(string value)
    {
        if (value == BaseModelSource.Pretrained.Name) return BaseModelSource.Pretrained;
        int eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == value.Length - 1) throw new ArgumentException($"--model '{value}': expected minilm or NAME=CHECKPOINT.");
        return new BaseModelSource(value[..eq].Trim(), value[(eq + 1)..].Trim());
    }
}
