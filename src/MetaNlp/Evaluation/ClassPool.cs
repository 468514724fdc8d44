namespace MetaNlp.Evaluation;

/// <summary>Which classes of the class split episodic evaluation draws its episodes from.</summary>
public enum ClassPool
{
    /// <summary>The split's test classes (the reported numbers).</summary>
    Test,

    /// <summary>The split's validation classes.</summary>
    Validation,

    /// <summary>The split's training classes (how well the training classes were learned).</summary>
    Train,

    /// <summary>Every class of the dataset (cross-domain checks); also what data without a split uses.</summary>
    All,
}
