using System.CommandLine;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Pretrained;
using MetaNlp.Text;
using MetaNlp.Training;

namespace MetaNlp.Cli;

/// <summary>Options that choose and size a learner and its encoder.</summary>
internal sealed class ModelOptions
{
    public Option<string?> Algorithm { get; } = new Option<string?>("--algo") { Description = $"Algorithm: {string.Join(", ", LearnerRegistry.Names)}. {RecipeDefault}" }
        .AcceptOnlyFromAmong([.. LearnerRegistry.Names]);

    public Option<string?> Encoder { get; } = new Option<string?>("--encoder") { Description = $"Encoder: {string.Join(", ", Encoders.EncoderOptions.Kinds)}. {RecipeDefault}" }
        .AcceptOnlyFromAmong([.. Encoders.EncoderOptions.Kinds]);

    public Option<string?> Distance { get; } = new Option<string?>("--distance") { Description = $"Metric: euclidean (squared) or cosine. {RecipeDefault}" }
        .AcceptOnlyFromAmong("euclidean", "cosine");

    public Option<double> CosineScale { get; } = new("--cosine-scale") { Description = "Scale (inverse temperature) of cosine scores, above 0 and at most 1,000.", DefaultValueFactory = _ => 10 };
    public Option<int> EmbeddingDim { get; } = CliOptions.Positive<int>("--embedding-dim", "Word embedding size, 1 to 4,096.", 300);
    public Option<int> Filters { get; } = CliOptions.Positive<int>("--filters", "CNN filters per width (widths 3, 4, 5), 1 to 4,096.", 100);
    public Option<int> HiddenSize { get; } = CliOptions.Positive<int>("--hidden-size", "BiLSTM hidden units per direction, 1 to 4,096.", new Encoders.EncoderOptions().HiddenSize);
    public Option<int> Layers { get; } = CliOptions.Positive<int>("--layers", "Transformer layers, 1 to 64.", new Encoders.EncoderOptions().Layers);
    public Option<int> Heads { get; } = CliOptions.Positive<int>("--heads", "Transformer attention heads, 1 to 64 (must divide --embedding-dim).", new Encoders.EncoderOptions().Heads);
    public Option<double> Dropout { get; } = new("--dropout") { Description = $"Dropout on sentence vectors while training, 0 to 1. {RecipeDefault}" };

    public Option<double> WordDropout { get; } = new("--word-dropout") { Description = $"While training, replace each word by <unk> with this probability (0 to 1). {RecipeDefault}" };

    public Option<int> EntityPositionDim { get; } = CliOptions.NonNegative("--entity-positions",
        "cnn on entity-marked text (FewRel): size of the two embeddings of each word's distance to the head and tail entity, 0 (off) to 256; Proto-CNN uses 5.");

    public Option<string?> Pooling { get; } = new Option<string?>("--pooling")
    {
        Description = $"cnn: max (each filter's maximum over the text) or entities (on entity-marked text such as FewRel, also its maxima over the head and over the tail entity; a vector three times as long). minilm: the mean over the text, or with entities also the means over the head and the tail entity, markers read as reserved tokens. {RecipeDefault}",
    }.AcceptOnlyFromAmong([.. Encoders.EncoderOptions.Poolings]);

    public Option<string?> Tokenizer { get; } = new Option<string?>("--tokenizer")
    {
        Description = "cnn, boe, bilstm, transformer: words (a vocabulary of the training classes' words; each Chinese character is one word), wordpiece (MiniLM's 30,522 pieces, so unseen words are read as pieces; English only), jieba (Chinese text cut into words by jieba, other scripts as words: only for far more Chinese training text than FewCLUE's; on IFLYTEK's 928 training texts it scored 20.7 against 32.1 with chars) or chars (one token per character: the choice for Chinese few-shot data, as unseen words still read as seen characters). Default: wordpiece with --embeddings minilm, else words.",
    }.AcceptOnlyFromAmong([.. Encoders.EncoderOptions.Tokenizers]);

    public Option<string?> Embeddings { get; } = new Option<string?>("--embeddings")
    {
        Description = $"cnn, boe, bilstm, transformer: initial token table, random or minilm (MiniLM's pretrained token embeddings; implies --tokenizer wordpiece and --embedding-dim 384). {RecipeDefault}",
    }.AcceptOnlyFromAmong([.. Encoders.EncoderOptions.EmbeddingInits]);

    public Option<int?> MaxTokens { get; } = MaxTokensOption();

    public Option<bool> FreezeEmbeddings { get; } = new("--freeze-embeddings") { Description = "Keep the word embeddings (random or pretrained) fixed; train only the layers above." };

    public Option<int> FineTuneLayers { get; } = FineTuneLayersOption();

    public Option<int> InnerSteps { get; } = CliOptions.Positive<int>("--inner-steps", "Gradient-based learners: inner-loop steps in meta-training, 1 to 10,000.", new GradientLearnerOptions().InnerSteps);
    public Option<int> TestInnerSteps { get; } = CliOptions.Positive<int>("--test-inner-steps", "Gradient-based learners: inner-loop steps when adapting to new classes, 1 to 10,000.", new GradientLearnerOptions().TestInnerSteps);
    public Option<double> InnerLr { get; } = CliOptions.Positive<double>("--inner-lr", "Gradient-based learners: inner learning rate (the start of learned rates), above 0 and at most 10.", new GradientLearnerOptions().InnerLearningRate);

    public Option<string> InnerOptimizer { get; } = new Option<string>("--inner-optimizer") { Description = "Inner update rule of maml, fomaml, anil, protomaml, reptile: sgd or adam.", DefaultValueFactory = _ => "sgd" }
        .AcceptOnlyFromAmong("sgd", "adam");

    public Option<bool> FirstOrder { get; } = new("--first-order") { Description = "Gradient-based learners: first-order meta-gradient (less memory and time)." };

    public Option<bool> BatchTasks { get; } = new("--batch-tasks")
    {
        Description = "Gradient-based learners: adapt the tasks of a meta-batch together as one batched computation (--batch-tasks) instead of one after another (the default); same meta-gradient.",
        DefaultValueFactory = _ => new GradientLearnerOptions().BatchTasks,
    };

    public Option<bool> LabelText { get; } = new("--label-text")
    {
        Description = $"Read each class label as one more support example of its class (FewRel's relation names and descriptions, HuffPost's categories, else the label with _ and - as spaces), in training and in every adaptation; --label-text false: never. {RecipeDefault}",
    };

    public Option<string?> LabelNames { get; } = new Option<string?>("--label-names")
    {
        Description = "JSON file of label texts, {\"label\": \"text\"}, for labels that are codes or ids (turns --label-text on); default: the dataset's own names (FewRel, HuffPost).",
    };

    public Option<int> LabelTextWeight { get; } = CliOptions.LabelTextWeight(
        $"How many support examples each label text counts as, 1 to {Data.LabelTexts.MaxWeight} (turns --label-text on). {RecipeDefault}");

    public Option<bool> FullContext { get; } = new("--fce") { Description = "matching: full context embeddings (BiLSTM over the support set, attention LSTM for queries)." };

    public Option<string> SiameseLoss { get; } = new Option<string>("--siamese-loss") { Description = "siamese: pair loss, cosine (SetFit's) or contrastive.", DefaultValueFactory = _ => "cosine" }
        .AcceptOnlyFromAmong("cosine", "contrastive");

    public Option<string> RelationLoss { get; } = new Option<string>("--relation-loss") { Description = "relation, induction: training loss, ce (softmax cross-entropy) or mse (the papers' sigmoid regression).", DefaultValueFactory = _ => "ce" }
        .AcceptOnlyFromAmong("ce", "mse");

    public Option<int> RoutingIterations { get; } = CliOptions.Positive<int>("--routing-iterations", "induction: dynamic-routing iterations, 1 to 100.", new InductionOptions().RoutingIterations);

    public Option<double> RidgePenalty { get; } = new("--ridge-penalty") { Description = "r2d2: the ridge penalty its head starts from (then meta-learned), above 0 and at most 10,000.", DefaultValueFactory = _ => new RidgeOptions().Penalty };

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>Every option that describes the model to build (learner, encoder and their settings).</summary>
    public IReadOnlyList<Option> All => [Algorithm, Encoder, Distance, CosineScale, EmbeddingDim, Filters, HiddenSize, Layers, Heads, Dropout, WordDropout, EntityPositionDim, Pooling, Tokenizer, MaxTokens, Embeddings, FreezeEmbeddings, FineTuneLayers, LabelText, LabelNames, LabelTextWeight, InnerSteps, TestInnerSteps, InnerLr, InnerOptimizer, FirstOrder, BatchTasks, FullContext, SiameseLoss, RelationLoss, RoutingIterations, RidgePenalty];

    /// <summary>
    /// Refuses model options given together with a saved model, which brings its own learner and encoder: ignoring
    /// them would report a model other than the one the command line describes.
    /// </summary>
    /// <exception cref="ArgumentException">A model option is on the command line; the message names it.</exception>
    public void RefuseWithSavedModel(ParseResult result, string modelOption)
    {
        var given = All.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
        if (given.Count > 0)
            throw new ArgumentException($"{string.Join(", ", given)}: {modelOption} brings its own learner and encoder, so {(given.Count == 1 ? "this option describes" : "these options describe")} nothing here; leave {(given.Count == 1 ? "it" : "them")} out, or leave out {modelOption} to evaluate an untrained learner.");
    }

    /// <summary>The help text's note on options whose default is the recipe's.</summary>
    public const string RecipeDefault = "Default: the best measured recipe for the data and encoder (`metanlp datasets info NAME`).";

    /// <summary>The recipe the options not given come from: the dataset's for the chosen encoder and <paramref name="shots"/>, else the general one.</summary>
    public TrainingRecipe Recipe(ParseResult result, SelectedData data, int shots) => DatasetRecipes.For(data.Registry?.Info.Name, result.GetValue(Encoder), shots);

    /// <summary>The encoder: each option given on the command line, the rest from <paramref name="recipe"/>.</summary>
    public EncoderOptions ReadEncoder(ParseResult result, TrainingRecipe recipe)
    {
        var r = recipe.Encoder;
        string embeddings = result.GetValue(Embeddings) ?? r.Embeddings;
        // Pretrained token embeddings bring their tokenizer and size; an explicit conflicting value is reported by the encoder factory.
        bool pretrainedTable = embeddings == Encoders.EncoderOptions.MiniLmEmbeddings;
        return r with
        {
            EmbeddingDim = pretrainedTable && result.GetResult(EmbeddingDim) is null or { Implicit: true } ? MiniLmWeights.HiddenSize : CliOptions.Given(result, EmbeddingDim, r.EmbeddingDim),
            Filters = CliOptions.Given(result, Filters, r.Filters),
            HiddenSize = CliOptions.Given(result, HiddenSize, r.HiddenSize),
            Layers = CliOptions.Given(result, Layers, r.Layers),
            Heads = CliOptions.Given(result, Heads, r.Heads),
            Dropout = CliOptions.Given(result, Dropout, r.Dropout),
            WordDropout = CliOptions.Given(result, WordDropout, r.WordDropout),
            EntityPositionDim = CliOptions.Given(result, EntityPositionDim, r.EntityPositionDim),
            Pooling = result.GetValue(Pooling) ?? r.Pooling,
            Tokenizer = result.GetValue(Tokenizer) ?? (pretrainedTable ? Encoders.EncoderOptions.WordPieceTokens : r.Tokenizer),
            Embeddings = embeddings,
            FreezeEmbeddings = CliOptions.Given(result, FreezeEmbeddings, r.FreezeEmbeddings),
            FineTuneLayers = CliOptions.Given(result, FineTuneLayers, r.FineTuneLayers),
        };
    }

    /// <summary>
    /// The label texts of the spec when <c>--label-text</c> (or else the recipe) asks for them, or <c>--label-names</c>
    /// or <c>--label-text-weight</c> is given: that file's texts, else the data's names of its label ids
    /// (<see cref="LoadedDataset.LabelNames"/>), the labels themselves for the rest; weighed as <c>--label-text-weight</c>
    /// says, else the recipe; null when not asked for.
    /// </summary>
    /// <exception cref="ArgumentException">--label-names or --label-text-weight together with --label-text false.</exception>
    /// <exception cref="DatasetFormatException">The --label-names file is not a JSON object of non-empty strings.</exception>
    public LabelTexts? ReadLabelTexts(ParseResult result, TrainingRecipe recipe, SelectedData data)
    {
        string? file = result.GetValue(LabelNames);
        bool weightGiven = result.GetResult(LabelTextWeight) is { Implicit: false };
        bool explicitlyOff = result.GetResult(LabelText) is { Implicit: false } && !result.GetValue(LabelText);
        if (explicitlyOff && (file is not null || weightGiven))
            throw new ArgumentException($"{(file is not null ? "--label-names" : "--label-text-weight")} asks for label texts that --label-text false turns off; leave one of them out.");
        if (file is null && !weightGiven && !CliOptions.Given(result, LabelText, recipe.LabelText)) return null;
        return new LabelTexts
        {
            Names = file is not null ? Data.LabelTexts.ReadNames(file) : data.Registry?.LabelNames ?? new Dictionary<string, string>(),
            Weight = CliOptions.Given(result, LabelTextWeight, recipe.LabelTextWeight),
        };
    }

    /// <summary>The tokenizer's options: <c>--max-tokens</c> when given, else <paramref name="recipe"/>'s.</summary>
    public WordTokenizerOptions ReadTokenizerOptions(ParseResult result, TrainingRecipe recipe) =>
        new() { MaxLength = result.GetValue(MaxTokens) ?? recipe.MaxTokens };

    private static Option<int?> MaxTokensOption()
    {
        var option = new Option<int?>("--max-tokens")
        {
            Description = $"Longest token sequence kept per text (characters with --tokenizer chars, WordPiece pieces with minilm); the rest of a longer text is not read. 1 to {WordTokenizerOptions.MaxLengthLimit:N0}, minilm at most {MiniLmWeights.MaxPositions}. {RecipeDefault}",
        };
        option.Validators.Add(r =>
        {
            if (CliOptions.Converted<int>(r) is int value && (value < 1 || value > WordTokenizerOptions.MaxLengthLimit))
                r.AddError($"--max-tokens must be 1 to {WordTokenizerOptions.MaxLengthLimit:N0}; got {value}.");
        });
        return option;
    }

    private static Option<int> FineTuneLayersOption()
    {
        var option = new Option<int>("--finetune-layers")
        {
            Description = $"minilm: top layers to fine-tune, 0 (frozen, vectors cached per text) to {MiniLmWeights.Layers}, or -1 for every weight. {RecipeDefault}",
        };
        option.Validators.Add(r =>
        {
            if (CliOptions.Converted<int>(r) is int value && (value < -1 || value > MiniLmWeights.Layers)) r.AddError($"--finetune-layers must be -1, 0 or up to {MiniLmWeights.Layers}; got {value}.");
        });
        return option;
    }

    /// <summary>
    /// The options that set a field of a model spec (its JSON path, as <see cref="Models.SpecChanges"/> names it), so a
    /// refused resume can say which option changed.
    /// </summary>
    public IReadOnlyDictionary<string, Option> SpecFields() => new Dictionary<string, Option>(StringComparer.Ordinal)
    {
        ["algorithm"] = Algorithm,
        ["algorithmOptions.distance"] = Distance,
        ["algorithmOptions.cosineScale"] = CosineScale,
        ["algorithmOptions.innerSteps"] = InnerSteps,
        ["algorithmOptions.testInnerSteps"] = TestInnerSteps,
        ["algorithmOptions.innerLearningRate"] = InnerLr,
        ["algorithmOptions.innerOptimizer"] = InnerOptimizer,
        ["algorithmOptions.firstOrder"] = FirstOrder,
        ["algorithmOptions.batchTasks"] = BatchTasks,
        ["algorithmOptions.fullContextEmbeddings"] = FullContext,
        ["algorithmOptions.routingIterations"] = RoutingIterations,
        ["algorithmOptions.penalty"] = RidgePenalty,
        ["encoder.kind"] = Encoder,
        ["encoder.embeddingDim"] = EmbeddingDim,
        ["encoder.filters"] = Filters,
        ["encoder.hiddenSize"] = HiddenSize,
        ["encoder.layers"] = Layers,
        ["encoder.heads"] = Heads,
        ["encoder.dropout"] = Dropout,
        ["encoder.wordDropout"] = WordDropout,
        ["encoder.entityPositionDim"] = EntityPositionDim,
        ["encoder.pooling"] = Pooling,
        ["encoder.tokenizer"] = Tokenizer,
        ["encoder.embeddings"] = Embeddings,
        ["encoder.freezeEmbeddings"] = FreezeEmbeddings,
        ["encoder.fineTuneLayers"] = FineTuneLayers,
        ["tokenizerOptions.maxLength"] = MaxTokens,
    };

    /// <summary>The option behind a spec field's change (the siamese and relation losses share one field).</summary>
    public Option? OptionOf(ParseResult result, string path) =>
        path == "algorithmOptions.loss" ? (result.GetResult(SiameseLoss) is { Implicit: false } ? SiameseLoss : RelationLoss)
        : path == "labelTexts" ? (result.GetResult(LabelNames) is { Implicit: false } ? LabelNames : result.GetResult(LabelTextWeight) is { Implicit: false } ? LabelTextWeight : LabelText)
        : path == "labelTexts.weight" ? LabelTextWeight
        : path.StartsWith("labelTexts.", StringComparison.Ordinal) ? LabelNames
        : SpecFields().GetValueOrDefault(path);

    /// <summary>The learner: the one named on the command line, else <paramref name="recipe"/>'s.</summary>
    public string ReadAlgorithm(ParseResult result, TrainingRecipe recipe) => result.GetValue(Algorithm) ?? recipe.Algorithm;

    /// <summary>
    /// Each command-line option that sets a learner option: the property of the learners' options records it sets
    /// (by C# name) and its value there. A learner takes an option when its own record has that property with that
    /// type (<see cref="LearnerDescriptor.Accepts"/>), so nothing here names a learner.
    /// </summary>
    private IEnumerable<(Option Option, string Property, Func<ParseResult, object> Value)> LearnerSettings() =>
    [
        (Distance, nameof(PrototypicalOptions.Distance), r => r.GetValue(Distance) == "cosine" ? MetricDistance.Cosine : MetricDistance.SquaredEuclidean),
        (CosineScale, nameof(PrototypicalOptions.CosineScale), r => r.GetValue(CosineScale)),
        (InnerSteps, nameof(GradientLearnerOptions.InnerSteps), r => r.GetValue(InnerSteps)),
        (TestInnerSteps, nameof(GradientLearnerOptions.TestInnerSteps), r => r.GetValue(TestInnerSteps)),
        (InnerLr, nameof(GradientLearnerOptions.InnerLearningRate), r => r.GetValue(InnerLr)),
        (InnerOptimizer, nameof(GradientLearnerOptions.InnerOptimizer), r => r.GetValue(InnerOptimizer) == "adam" ? Algorithms.InnerOptimizer.Adam : Algorithms.InnerOptimizer.Sgd),
        (FirstOrder, nameof(GradientLearnerOptions.FirstOrder), r => r.GetValue(FirstOrder)),
        (BatchTasks, nameof(GradientLearnerOptions.BatchTasks), r => r.GetValue(BatchTasks)),
        (FullContext, nameof(MatchingOptions.FullContextEmbeddings), r => r.GetValue(FullContext)),
        (SiameseLoss, nameof(SiameseOptions.Loss), r => r.GetValue(SiameseLoss) == "contrastive" ? Algorithms.SiameseLoss.Contrastive : Algorithms.SiameseLoss.Cosine),
        (RelationLoss, nameof(RelationOptions.Loss), r => r.GetValue(RelationLoss) == "mse" ? Algorithms.RelationLoss.MeanSquaredError : Algorithms.RelationLoss.CrossEntropy),
        (RoutingIterations, nameof(InductionOptions.RoutingIterations), r => r.GetValue(RoutingIterations)),
        (RidgePenalty, nameof(RidgeOptions.Penalty), r => r.GetValue(RidgePenalty)),
    ];

    /// <summary>
    /// The learner's options as its own record (<see cref="LearnerDescriptor.OptionsType"/>): each learner option given
    /// on the command line, the recipe's metric where the learner has one and <c>--distance</c> is not given, the
    /// record's defaults for the rest. Checked against their bounds where the spec is made, not here.
    /// </summary>
    /// <exception cref="ArgumentException">An option given does not apply to the chosen learner; the message names both.</exception>
    public object AlgorithmOptions(ParseResult result, TrainingRecipe recipe)
    {
        var learner = LearnerRegistry.Find(ReadAlgorithm(result, recipe));
        var settings = new Dictionary<string, object>(StringComparer.Ordinal);
        var foreign = new List<string>();
        foreach (var (option, property, value) in LearnerSettings())
        {
            if (result.GetResult(option) is not { Implicit: false }) continue;
            object given = value(result);
            if (learner.Accepts(property, given.GetType())) settings[property] = given;
            else foreign.Add(option.Name);
        }
        if (foreign.Count > 0)
        {
            var takes = LearnerSettings().Where(s => learner.Accepts(s.Property, s.Value(result).GetType())).Select(s => s.Option.Name).ToList();
            throw new ArgumentException($"{string.Join(", ", foreign)}: not an option of the learner '{learner.Name}' ({(foreign.Count == 1 ? "it does" : "they do")} not apply to it, so {(foreign.Count == 1 ? "it" : "they")} would be ignored); "
                + $"'{learner.Name}' takes {(takes.Count == 0 ? "no learner options" : string.Join(", ", takes))}.");
        }
        return recipe.LearnerOptions(learner, settings);
    }
}
