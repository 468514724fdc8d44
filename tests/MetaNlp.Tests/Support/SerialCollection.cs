namespace MetaNlp.Tests;

/// <summary>Tests that measure the process (memory) or time and must not share it with other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
