using MetaNlp.Encoders;

namespace MetaNlp.Tests.Encoders;

public class SentenceVectorCacheTests
{
    // One entry: 4 floats (16 bytes), a 1-character key (2 bytes) and 160 bytes of bookkeeping.
    private const long EntryBytes = 178;

    [Fact]
    public void TheLeastRecentlyUsedVectorGoesFirstWhenTheBoundIsReached()
    {
        var cache = new SentenceVectorCache { LimitBytes = 3 * EntryBytes };
        cache.Add("a", [1, 0, 0, 0]);
        cache.Add("b", [0, 1, 0, 0]);
        cache.Add("c", [0, 0, 1, 0]);
        Assert.Equal(3 * EntryBytes, cache.Bytes);
        Assert.NotNull(cache.Get("a")); // now the most recently used
        cache.Add("d", [0, 0, 0, 1]);
        Assert.Equal(3, cache.Count);
        Assert.False(cache.Contains("b"));
        Assert.True(cache.Contains("a") && cache.Contains("c") && cache.Contains("d"));
        Assert.Equal([1f, 0, 0, 0], cache.Get("a")!);

        cache.Add("a", [9, 9, 9, 9]); // a cached key keeps its vector
        Assert.Equal([1f, 0, 0, 0], cache.Get("a")!);

        cache.LimitBytes = EntryBytes; // lowering the bound drops at once, oldest first
        Assert.Equal(1, cache.Count);
        Assert.True(cache.Contains("a"));
        Assert.Equal(EntryBytes, cache.Bytes);
    }

    [Fact]
    public void AVectorLargerThanTheBoundIsNotKeptAndZeroTurnsTheCacheOff()
    {
        var cache = new SentenceVectorCache { LimitBytes = EntryBytes - 1 };
        cache.Add("a", [1, 0, 0, 0]);
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
        cache.LimitBytes = 0;
        cache.Add("b", [1]);
        Assert.Null(cache.Get("b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.LimitBytes = -1);
    }

    [Fact]
    public void ConcurrentUseKeepsTheByteCountExact()
    {
        var cache = new SentenceVectorCache { LimitBytes = 50 * EntryBytes };
        Parallel.For(0, 4, worker =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                string key = ((char)('A' + (i * 7 + worker) % 60)).ToString();
                if (cache.Get(key) is null) cache.Add(key, [worker, i, 0, 0]);
            }
        });
        Assert.Equal(cache.Count * EntryBytes, cache.Bytes);
        Assert.True(cache.Count <= 50);
    }
}
