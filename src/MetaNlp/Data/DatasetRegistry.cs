using System.Reflection;

namespace MetaNlp.Data;

/// <summary>
/// The known benchmarks (docs/BENCHMARKS.md, "Benchmark protocols") plus the raw BANKING77 and CLINC150 sets, with their files,
/// checksums, pinned download URLs and default protocols.
/// </summary>
public static class DatasetRegistry
{
    private const string Clinc = "https://raw.githubusercontent.com/clinc/oos-eval/828f8093932c8fe6ca7936c3d2e52903b1c523de/data/";
    private const string Banking = "https://raw.githubusercontent.com/PolyAI-LDN/task-specific-datasets/57ec275d8078af65b7731c2a98be812d844a6d6b/banking_data/";
    private const string FewRel = "https://raw.githubusercontent.com/thunlp/FewRel/278a2315d2138810a379cd8d5718914dc56e2582/data/";
    private const string HuffPost = "https://raw.githubusercontent.com/ws-jiang/MetaPrompter_public/dea17d573a5eb4f31b3366ba1fe88b1beb865c50/data/";
    private const string ProtAugment = "https://raw.githubusercontent.com/tdopierre/ProtAugment/4233bbae0d7544e632692c4d2c185b2ed2a19eef/data/";
    private const string Dnnc = "https://raw.githubusercontent.com/jianguoz/Few-Shot-Intent-Detection/fa9553312b1dba54b1be0aae2d30b13171f898e5/Datasets/";
    private const string FewClue = "https://raw.githubusercontent.com/CLUEbenchmark/FewCLUE/62a02c6f31cf32814cfe522f78ef088228840f8d/datasets/";
    private const string Arsc = "https://raw.githubusercontent.com/Gorov/DiverseFewShot_Amazon/7417f3d7fec58a31150678213491cb4a2d290917/Amazon_few_shot/";

    /// <summary>The resource name of the ARSC manifest (relative path, SHA-256, size per line).</summary>
    public const string ArscManifestResource = "MetaNlp.Data.Resources.arsc.manifest.txt";

    /// <summary>The FewRel val_wiki class split of docs/BENCHMARKS.md, "Benchmark protocols" (relations in numeric id order, 8/3/5).</summary>
    public static ClassSplit FewRelSplit { get; } = new(
        ["P25", "P26", "P40", "P59", "P155", "P177", "P206", "P361"],
        ["P364", "P410", "P412"],
        ["P413", "P463", "P641", "P921", "P2094"]);

    private static readonly Lazy<IReadOnlyList<DatasetInfo>> Entries = new(Build);

    /// <summary>Every entry, in a stable order.</summary>
    public static IReadOnlyList<DatasetInfo> All => Entries.Value;

    /// <summary>The registry names.</summary>
    public static IReadOnlyList<string> Names => All.Select(e => e.Name).ToArray();

    /// <summary>The entry called <paramref name="name"/> (case-insensitive); an unknown name lists the known ones.</summary>
    public static DatasetInfo Get(string name) =>
        TryGet(name, out var info)
            ? info
            : throw new KeyNotFoundException($"Unknown dataset '{name}'. Known datasets: {string.Join(", ", Names)}.");

    /// <summary>Looks up an entry by name (case-insensitive).</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DatasetInfo? info)
    {
        info = All.FirstOrDefault(e => string.Equals(e.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
        return info is not null;
    }

    private static IReadOnlyList<DatasetInfo> Build()
    {
        var manifest = DatasetManifest.Files.ToDictionary(f => f.Path, f => f, StringComparer.Ordinal);
        DatasetFileEntry F(string path, string urlBase, string upstreamPath)
        {
            var (p, sha, size) = manifest[path];
            return new DatasetFileEntry(p, urlBase + upstreamPath, sha, size);
        }
        IReadOnlyList<DatasetFileEntry> Under(string prefix, string urlBase) =>
            DatasetManifest.Files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal))
                .Select(f => F(f.Path, urlBase, f.Path[(f.Path.IndexOf('/') + 1)..])).ToArray();

        var episodicIntent = new BenchmarkProtocol(BenchmarkKind.Episodic, 5, [1, 5], 5, 600,
            "ProtAugment protocol: 5 class splits (--split-index 1..5), report the mean over the 5 splits; early stopping on the validation classes.");
        const string protAugmentCite = "Dopierre et al., ACL 2021 (ProtAugment) splits, Apache-2.0; data: ";

        var list = new List<DatasetInfo>
        {
            new("huffpost", "HuffPost headlines, 41 classes x 900 (Bao et al. 2020 processing), Bao class split 20/5/16",
                "Bao et al., ICLR 2020; News Category Dataset (Misra 2018). Copy from ws-jiang/MetaPrompter_public (no licence file; upstream believed CC BY 4.0): research use with attribution.",
                "huffpost_bao",
                new BenchmarkProtocol(BenchmarkKind.Episodic, 5, [1, 5], 25, 1000, "Classes 0-19 train, 20-24 validation, 25-40 test."),
                [F("huffpost_bao/huffpost.json", HuffPost, "huffpost.json")],
                (info, folder, _) => new LoadedDataset(info, HuffPostLoader.Load(folder), HuffPostLoader.BaoSplit, info.Protocol)
                {
                    LabelNames = HuffPostLoader.CategoryNames,
                }),

            new("fewrel", "FewRel 1.0 val_wiki: 16 relations x 700, entity-marked text, self-contained 8/3/5 relation split",
                "Han et al., EMNLP 2018; thunlp/FewRel, MIT; sentences from Wikipedia (CC BY-SA).",
                "fewrel",
                new BenchmarkProtocol(BenchmarkKind.Episodic, 5, [1, 5], 5, 1000,
                    "Train P25 P26 P40 P59 P155 P177 P206 P361, val P364 P410 P412 (only 3 classes: validation runs 3-way), test P413 P463 P641 P921 P2094. Not comparable with the official 64/16/20 test."),
                [F("fewrel/val_wiki.json", FewRel, "val_wiki.json"), F("fewrel/pid2name.json", FewRel, "pid2name.json")],
                (info, folder, _) => new LoadedDataset(info, FewRelLoader.Load(folder), FewRelSplit, info.Protocol)
                {
                    LabelNames = FewRelLoader.RelationTexts(folder),
                }),

            new("arsc", "Amazon Review Sentiment (ARSC): 2-way 5-shot, 12 target tasks, meta-train on the other domains",
                "Yu et al., NAACL 2018; Gorov/DiverseFewShot_Amazon (no licence; from Blitzer et al. 2007 Amazon reviews): research use only.",
                "arsc",
                new BenchmarkProtocol(BenchmarkKind.ArscTasks, 2, [5], 0, 12,
                    "Targets books, dvd, electronics, kitchen_housewares x t2/t4/t5: support = .train (5+5), query = the whole .test; report mean accuracy and balanced accuracy over the 12. music/video t2/t4/t5 .train files are not available."),
                ReadArscManifest(),
                (info, folder, _) => new LoadedDataset(info, ArscLoader.Load(folder), null, info.Protocol)
                {
                    Parts = new ArscParts(ArscLoader.ReadTasks(folder)),
                }),
        };

        foreach (var (name, ds, title, data) in new[]
        {
            ("intent-banking77", "BANKING77", "BANKING77 (77 intents)", "BANKING77, CC BY 4.0 (Casanueva et al. 2020)."),
            ("intent-hwu64", "HWU64", "HWU64 (64 intents)", "HWU64, CC BY 4.0 (Liu et al. 2019)."),
            ("intent-liu54", "Liu", "Liu54 (54 intents)", "Liu54, CC BY 4.0 (Liu et al. 2019)."),
            ("intent-clinc150", "OOS", "CLINC150 in-scope (150 intents)", "CLINC150, CC BY 3.0 (Larson et al. 2019)."),
        })
        {
            var files = ProtAugmentIntentLoader.RequiredFiles(ds).Select(p => F($"protaugment_intent/{p}", ProtAugment, p)).ToArray();
            list.Add(new DatasetInfo(name, $"Episodic intent detection, {title}, 5 ProtAugment class splits",
                protAugmentCite + data, "protaugment_intent", episodicIntent, files,
                (info, folder, options) => new LoadedDataset(info, ProtAugmentIntentLoader.Load(folder, ds),
                    ProtAugmentIntentLoader.LoadSplit(folder, ds, options.SplitIndex), info.Protocol)));
        }

        foreach (var (name, ds, ways, data) in new[]
        {
            ("dnnc-banking77", "BANKING77", 77, "BANKING77, CC BY 4.0 (Casanueva et al. 2020)."),
            ("dnnc-clinc150", "CLINC150", 150, "CLINC150, CC BY 3.0 (Larson et al. 2019)."),
            ("dnnc-hwu64", "HWU64", 64, "HWU64, CC BY 4.0 (Liu et al. 2019)."),
        })
        {
            list.Add(new DatasetInfo(name, $"{ds} with fixed 5-/10-shot training sets, all {ways} intents at test (DNNC/CPFT protocol)",
                "Zhang et al. 2020 (DNNC) / jianguoz/Few-Shot-Intent-Detection (no licence file); data: " + data,
                "fewshot_intent_dnnc",
                new BenchmarkProtocol(BenchmarkKind.AllClasses, ways, [5, 10], 0, 1,
                    "Support = train_5 or train_10 (--shots 5|10); query = the whole test set, all intents at once."),
                Under($"fewshot_intent_dnnc/{ds}/", Dnnc),
                (info, folder, options) =>
                {
                    int shots = options.Shots ?? 5;
                    if (shots is not (5 or 10))
                        throw new ArgumentException($"Dataset '{info.Name}' has fixed support sets for 5 and 10 shots only, not {shots}.");
                    return new LoadedDataset(info, DnncLoader.Load(folder, ds), null, info.Protocol)
                    {
                        Parts = new FixedSupportParts($"train_{shots}", "test")
                        {
                            Validation = "valid",
                            OutOfScope = ds == "CLINC150" ? new OutOfScopeParts("valid", "oos_valid", "oos_test") : null,
                        },
                    };
                }));
        }

        var clincFiles = new[] { F("clinc150/data_full.json", Clinc, "data_full.json") };
        const string clincCite = "Larson et al., EMNLP 2019 (D19-1131); clinc/oos-eval, CC BY 3.0.";
        list.Add(new DatasetInfo("clinc150-oos", "CLINC150 out-of-scope: in-scope accuracy over 150 intents, recall on 1,000 oos test queries",
            clincCite, "clinc150",
            new BenchmarkProtocol(BenchmarkKind.OutOfScope, 150, [], 0, 1,
                "Train on train (100 per intent); threshold on val + oos_val; report in-scope accuracy on test and oos recall on oos_test."),
            clincFiles,
            (info, folder, _) => new LoadedDataset(info, Clinc150Loader.Load(folder), null, info.Protocol)
            {
                Parts = new FixedSupportParts("train", "test")
                {
                    Validation = "val",
                    OutOfScope = new OutOfScopeParts("val", "oos_val", "oos_test"),
                },
            }));

        list.Add(new DatasetInfo("banking77", "BANKING77 raw: 13,083 banking queries, 77 intents, train 10,003 / test 3,080",
            "Casanueva et al., NLP4ConvAI 2020; PolyAI-LDN/task-specific-datasets, CC BY 4.0.", "banking77",
            new BenchmarkProtocol(BenchmarkKind.AllClasses, 77, [], 0, 1, "Full-data classification: train on train, test on test."),
            Under("banking77/", Banking),
            (info, folder, _) => new LoadedDataset(info, Banking77Loader.Load(folder), null, info.Protocol)
            {
                Parts = new FixedSupportParts("train", "test"),
            }));

        list.Add(new DatasetInfo("clinc150", "CLINC150 raw: 150 intents x 100/20/30 plus out-of-scope parts",
            clincCite, "clinc150",
            new BenchmarkProtocol(BenchmarkKind.AllClasses, 150, [], 0, 1, "Full-data classification: train on train, validate on val, test on test (oos parts kept separately)."),
            Under("clinc150/", Clinc),
            (info, folder, _) => new LoadedDataset(info, Clinc150Loader.Load(folder), null, info.Protocol)
            {
                Parts = new FixedSupportParts("train", "test")
                {
                    Validation = "val",
                    OutOfScope = new OutOfScopeParts("val", "oos_val", "oos_test"),
                },
            }));
        AddFewClue(list, F);
        list.Add(FewJoint());
        return list;
    }

    // FewCLUE (Chinese): the four single-text classification tasks with their five fixed splits, and the episodic
    // cross-task topic benchmark built from three of them.
    private static void AddFewClue(List<DatasetInfo> list, Func<string, string, string, DatasetFileEntry> file)
    {
        const string citation = "Xu et al. 2021, FewCLUE (arXiv 2107.07498); CLUEbenchmark/FewCLUE, no licence granted: research and evaluation use only, never bundled.";
        var descriptions = new Dictionary<string, (string Title, int Classes)>
        {
            ["eprstmt"] = ("EPRSTMT e-commerce review sentiment (2 classes, 32 training reviews per split)", 2),
            ["tnews"] = ("TNEWS news-title topic (15 classes, 16 per class per split)", 15),
            ["iflytek"] = ("IFLYTEK app-description topic (119 classes, 1-8 per class per split; long text)", 119),
            ["csldcp"] = ("CSLDCP paper-abstract discipline (67 classes, 8 per class per split; long text)", 67),
        };
        foreach (var (task, _, _) in FewClueLoader.Tasks)
        {
            var (title, classes) = descriptions[task];
            var names = FewClueLoader.UnlabeledTasks.Contains(task) ? FewClueLoader.RequiredFiles().Append(FewClueLoader.UnlabeledFile) : FewClueLoader.RequiredFiles();
            var files = names.Select(f => file($"fewclue/{task}/{f}", FewClue, $"{task}/{f}")).ToArray();
            list.Add(new DatasetInfo($"fewclue-{task}", $"FewCLUE {title}; 5 fixed splits, test on test_public", citation, $"fewclue/{task}",
                new BenchmarkProtocol(BenchmarkKind.AllClasses, classes, [], 0, FewClueLoader.SplitCount,
                    "FewCLUE protocol: for each split k (--split-index 1..5 = train_0..4), fine-tune on train_k, pick the weights on dev_k, report accuracy on test_public; the benchmark is the mean and standard deviation over the 5 splits (`metanlp eval --all-splits`)."),
                files,
                (info, folder, options) =>
                {
                    int k = options.SplitIndex - 1;
                    if (k is < 0 or >= FewClueLoader.SplitCount)
                        throw new ArgumentException($"Dataset '{info.Name}' has the FewCLUE splits 1 to {FewClueLoader.SplitCount} (--split-index), not {options.SplitIndex}.");
                    return new LoadedDataset(info, FewClueLoader.Load(folder, task), null, info.Protocol)
                    {
                        Parts = new FixedSupportParts(FewClueLoader.TrainPart(k), FewClueLoader.TestPart) { Validation = FewClueLoader.DevPart(k), ValidationFitsSmallestClass = true },
                    };
                }));
        }

        var crossFiles = FewClueCrossTopics.Tasks.SelectMany(t => FewClueLoader.RequiredFiles().Select(f => file($"fewclue/{t}/{f}", FewClue, $"{t}/{f}"))).ToArray();
        list.Add(new DatasetInfo("fewclue-cross", "Chinese episodic topics across FewCLUE tasks: meta-train on TNEWS + CSLDCP classes, test on IFLYTEK classes (split 1) or the reverse (split 2)",
            citation, "fewclue",
            new BenchmarkProtocol(BenchmarkKind.Episodic, 5, [1, 5], 5, 1000, FewClueCrossTopics.Description),
            crossFiles,
            (info, folder, options) =>
            {
                var dataset = FewClueCrossTopics.Load(folder);
                return new LoadedDataset(info, dataset, FewClueCrossTopics.Split(dataset, options.SplitIndex), info.Protocol);
            }));
    }

    // FewJoint ships as one zip (no per-file download), so the entry lists no files: `datasets download` has nothing
    // to fetch (an error that says where the data comes from) and loading names the folder it expected.
    private static DatasetInfo FewJoint() => new("fewjoint",
        "FewJoint (SMP2020-ECDT task 1) Chinese few-shot intent detection: meta-train on the training domains, test on the 9 shipped test-domain episodes",
        "Hou et al. 2020, FewJoint (arXiv 2009.08138); AtmaHou/AtmaHou.github.io attachments/FewJoint.zip, no licence stated: research and evaluation use only, never bundled.",
        "fewjoint",
        new BenchmarkProtocol(BenchmarkKind.ArscTasks, 5, [5], 0, 9,
            "Shipped episodes: each test domain adapted to its own support set (support_k.json) and scored on its labelled queries (correct_k.json); report the mean intent accuracy over the 9 test episodes. --shots 1/3/5/10 picks the shot version (default 5). Meta-training: episodes over the training domain-intent pairs, validated on the 5 shipped dev episodes. Unzip FewJoint.zip into the folder (no download)."),
        [],
        (info, folder, options) =>
        {
            var (dataset, episodes) = FewJointLoader.Load(folder, options.Shots ?? 5);
            return new LoadedDataset(info, dataset, null, info.Protocol) { Parts = new FewJointParts(episodes) };
        });

    private static IReadOnlyList<DatasetFileEntry> ReadArscManifest()
    {
        using var stream = typeof(DatasetRegistry).Assembly.GetManifestResourceStream(ArscManifestResource)
            ?? throw new InvalidOperationException($"Embedded resource '{ArscManifestResource}' is missing from {typeof(DatasetRegistry).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var files = new List<DatasetFileEntry>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var upstream = f[0].StartsWith("data/", StringComparison.Ordinal) ? f[0]["data/".Length..] : f[0];
            files.Add(new DatasetFileEntry("arsc/" + f[0], Arsc + upstream, f[1], long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return files;
    }
}
