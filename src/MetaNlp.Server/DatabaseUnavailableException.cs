using Microsoft.Data.Sqlite;

namespace MetaNlp.Server;

/// <summary>
/// The classifier database cannot be used: not a SQLite file, damaged, read-only, a directory, or in a folder that
/// cannot be written. The message is one line that names the file and says what to do; <c>metanlp serve</c> prints it
/// and exits with code 2.
/// </summary>
public sealed class DatabaseUnavailableException : IOException
{
    /// <summary>An error about the database at <paramref name="path"/> (made absolute in the message).</summary>
    public DatabaseUnavailableException(string path, string reason, Exception? inner = null)
        : base($"The database '{Path.GetFullPath(path)}' cannot be used: {reason}", inner)
    {
        DatabasePath = Path.GetFullPath(path);
        Reason = reason;
    }

    /// <summary>The database file, absolute.</summary>
    public string DatabasePath { get; }

    /// <summary>What is wrong and what to do, without the path (for answers to clients).</summary>
    public string Reason { get; }

    /// <summary>What a SQLite error means for the database, in words, with SQLite's own message.</summary>
    public static string Describe(SqliteException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string sqlite = e.Message.Replace('\n', ' ').Replace('\r', ' ');
        string meaning = e.SqliteErrorCode switch
        {
            8 => "it is read-only: make the file, its folder and its -wal and -shm files writable",                       // SQLITE_READONLY
            11 => "it is damaged: restore it from a backup, or start with another --db",                                  // SQLITE_CORRUPT
            26 => "it is not a SQLite database (or it is encrypted): give another --db",                                  // SQLITE_NOTADB
            14 => "it cannot be created or opened: check that its folder exists and can be written",                     // SQLITE_CANTOPEN
            13 => "the disk is full",                                                                                     // SQLITE_FULL
            10 => "a read or a write failed on the disk",                                                                 // SQLITE_IOERR
            5 or 6 => "another process holds a lock on it",                                                               // SQLITE_BUSY, SQLITE_LOCKED
            23 => "access to it is denied",                                                                               // SQLITE_AUTH
            _ => "SQLite refused it",
        };
        return $"{meaning} ({sqlite})";
    }
}
