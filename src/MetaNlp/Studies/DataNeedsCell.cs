namespace MetaNlp.Studies;

/// <summary>One cell of a <see cref="DataNeedsStudy"/>: a model trained on a subset of the meta-training data, scored on the test classes.</summary>
/// <param name="Classes">Meta-training classes kept.</param>
/// <param name="ExamplesPerClass">Examples kept per class; null: every example.</param>
/// <param name="TrainingExamples">Meta-training examples in all (classes with fewer examples keep what they have).</param>
/// <param name="Accuracy">Mean test accuracy over the episodes, a fraction.</param>
/// <param name="Ci95">Its 95% interval (half-width), a fraction.</param>
/// <param name="EpisodesTrained">Training episodes run (early stopping included).</param>
/// <param name="BestValidationAccuracy">Best validation accuracy, where the split has validation classes.</param>
/// <param name="Seconds">Wall time of the cell: training and test.</param>
public sealed record DataNeedsCell(int Classes, int? ExamplesPerClass, int TrainingExamples, double Accuracy, double Ci95, long EpisodesTrained, double? BestValidationAccuracy, double Seconds);
