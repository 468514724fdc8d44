using System.Security.Cryptography;

namespace MetaNlp.Data;

/// <summary>What happened to one file during a download.</summary>
public enum DownloadFileState
{
    /// <summary>The file is being fetched.</summary>
    Downloading,

    /// <summary>The file was already present with the right hash.</summary>
    Skipped,

    /// <summary>The file was fetched, verified and moved into place.</summary>
    Completed,
}

/// <summary>Progress of a dataset download.</summary>
/// <param name="Dataset">Registry name.</param>
/// <param name="RelativePath">The file, relative to the data folder.</param>
/// <param name="FileIndex">0-based index of the file.</param>
/// <param name="FileCount">Number of files of the entry.</param>
/// <param name="BytesDone">Bytes of this file received so far.</param>
/// <param name="BytesTotal">Expected size of this file.</param>
/// <param name="State">What is happening to the file.</param>
public sealed record DownloadProgress(string Dataset, string RelativePath, int FileIndex, int FileCount, long BytesDone, long BytesTotal, DownloadFileState State);

/// <summary>The outcome of <see cref="DatasetDownloader.DownloadAsync"/>.</summary>
/// <param name="Downloaded">Files fetched and verified.</param>
/// <param name="Skipped">Files already present with the right hash.</param>
/// <param name="BytesDownloaded">Bytes fetched.</param>
public sealed record DownloadResult(IReadOnlyList<string> Downloaded, IReadOnlyList<string> Skipped, long BytesDownloaded);

/// <summary>A download failed: HTTP error, wrong size or checksum mismatch. The message names the file.</summary>
public sealed class DatasetDownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="relativePath">The file, relative to the data folder.</param>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DatasetDownloadException(string relativePath, string message, Exception? innerException = null)
        : base(message, innerException) => RelativePath = relativePath;

    /// <summary>The file, relative to the data folder.</summary>
    public string RelativePath { get; }
}

/// <summary>
/// Downloads a registry entry's files into the data folder: each file goes to a temporary file beside its target,
/// its size and SHA-256 are verified, and only then is it moved into place (atomic rename). A mismatch leaves
/// nothing in place. Files already present with the right hash are skipped.
/// </summary>
public sealed class DatasetDownloader
{
    private readonly HttpClient _http;
    private readonly Uri? _mirror;

    /// <summary>Creates a downloader.</summary>
    /// <param name="http">The HTTP client (injected: tests and proxies supply their own).</param>
    /// <param name="mirror">Optional mirror base URI: each file is then fetched from mirror + its relative path.</param>
    public DatasetDownloader(HttpClient http, Uri? mirror = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        if (mirror is not null && !mirror.AbsoluteUri.EndsWith('/')) mirror = new Uri(mirror.AbsoluteUri + "/");
        _mirror = mirror;
    }

    /// <summary>The URL a file is fetched from: the mirror + relative path, or the entry's canonical URL.</summary>
    public Uri SourceOf(DatasetFileEntry file) =>
        _mirror is null ? new Uri(file.Url) : new Uri(_mirror, string.Join('/', file.RelativePath.Split('/').Select(Uri.EscapeDataString)));

    /// <summary>Downloads every file of <paramref name="info"/> into <paramref name="dataDir"/>.</summary>
    /// <param name="info">The registry entry.</param>
    /// <param name="dataDir">The data folder (created when absent).</param>
    /// <param name="progress">Optional progress reports.</param>
    /// <param name="cancellationToken">Cancels the download; a partial temporary file is removed.</param>
    /// <exception cref="ArgumentException">The entry has no files to fetch one by one (FewJoint ships as one archive).</exception>
    public async Task<DownloadResult> DownloadAsync(DatasetInfo info, string dataDir, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        // "Nothing downloaded" would read as success; a dataset that cannot be fetched file by file says where it comes from.
        if (info.Files.Count == 0)
            throw new ArgumentException($"Dataset '{info.Name}' cannot be downloaded file by file ({info.Citation}): put its files in {Path.GetFullPath(Path.Combine(dataDir, info.Folder))} by hand ({info.Protocol.Notes})", nameof(info));
        var downloaded = new List<string>();
        var skipped = new List<string>();
        long bytes = 0;
        for (int i = 0; i < info.Files.Count; i++)
        {
            var file = info.Files[i];
            var target = DatasetInfo.LocalPath(dataDir, file);
            if (await IsPresentAsync(target, file, cancellationToken).ConfigureAwait(false))
            {
                skipped.Add(file.RelativePath);
                progress?.Report(new DownloadProgress(info.Name, file.RelativePath, i, info.Files.Count, file.Size, file.Size, DownloadFileState.Skipped));
                continue;
            }
            bytes += await DownloadFileAsync(info, file, target, i, progress, cancellationToken).ConfigureAwait(false);
            downloaded.Add(file.RelativePath);
            progress?.Report(new DownloadProgress(info.Name, file.RelativePath, i, info.Files.Count, file.Size, file.Size, DownloadFileState.Completed));
        }
        return new DownloadResult(downloaded, skipped, bytes);
    }

    /// <summary>
    /// Whether <paramref name="target"/> (or, failing that, a gzip copy <c>target.gz</c> whose content matches) is
    /// present with the right size and SHA-256.
    /// </summary>
    public static async Task<bool> IsPresentAsync(string target, DatasetFileEntry file, CancellationToken cancellationToken = default)
    {
        if (File.Exists(target))
        {
            if (new FileInfo(target).Length != file.Size) return false;
            await using var s = File.OpenRead(target);
            return string.Equals(await HashAsync(s, cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.OrdinalIgnoreCase);
        }
        if (File.Exists(target + ".gz"))
        {
            await using var s = DatasetFiles.OpenMaybeGzip(target + ".gz");
            return string.Equals(await HashAsync(s, cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.OrdinalIgnoreCase);
        }
        return false;
    }

    private async Task<long> DownloadFileAsync(DatasetInfo info, DatasetFileEntry file, string target, int index,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var source = SourceOf(file);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        StaleTempFiles.Remove(target, ".part"); // left by a download that was killed
        var temp = StaleTempFiles.NameFor(target, ".part");
        try
        {
            long received = 0;
            string actual;
            using (var response = await SendAsync(file, source, cancellationToken).ConfigureAwait(false))
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                long lastReport = 0;
                progress?.Report(new DownloadProgress(info.Name, file.RelativePath, index, info.Files.Count, 0, file.Size, DownloadFileState.Downloading));
                int n;
                while ((n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    received += n;
                    if (received > file.Size)
                        throw new DatasetDownloadException(file.RelativePath,
                            $"Download of '{file.RelativePath}' from {source} is larger than the expected {file.Size} bytes; the file was not saved.");
                    hash.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    if (progress is not null && received - lastReport >= 1 << 20)
                    {
                        lastReport = received;
                        progress.Report(new DownloadProgress(info.Name, file.RelativePath, index, info.Files.Count, received, file.Size, DownloadFileState.Downloading));
                    }
                }
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (received != file.Size)
                throw new DatasetDownloadException(file.RelativePath,
                    $"Download of '{file.RelativePath}' from {source} has {received} bytes but {file.Size} were expected; the file was not saved.");
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new DatasetDownloadException(file.RelativePath,
                    $"Checksum mismatch for '{file.RelativePath}' from {source}: expected SHA-256 {file.Sha256.ToLowerInvariant()}, got {actual}; the file was not saved.");
            File.Move(temp, target, overwrite: true);
            return received;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(DatasetFileEntry file, Uri source, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DatasetDownloadException(file.RelativePath, $"Could not fetch '{file.RelativePath}' from {source}: {e.Message}", e);
        }
        if (!response.IsSuccessStatusCode)
        {
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            response.Dispose();
            throw new DatasetDownloadException(file.RelativePath, $"Could not fetch '{file.RelativePath}' from {source}: HTTP {status}.");
        }
        return response;
    }

    private static async Task<string> HashAsync(Stream stream, CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
}
