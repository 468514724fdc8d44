using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MetaNlp.Server;

/// <summary>
/// Classifiers and their examples in SQLite (write-ahead log, foreign keys on). Every write is one transaction, so a
/// failed request leaves nothing half-written, and a restart reads back exactly what was committed.
/// </summary>
public sealed class ClassifierStore
{
    // The columns ReadClassifiers reads, in its order.
    private const string ClassifierColumns = "id, name, base_model, threshold, version, created_at, updated_at, owner";

    private readonly string _connectionString;

    /// <summary>
    /// Opens (or creates) the database at <paramref name="path"/> and its tables, after checking that it can be used:
    /// not a directory, a SQLite file that passes <c>PRAGMA integrity_check</c> (checked before anything is written
    /// into it), and writable (a write in a transaction that is rolled back). Otherwise throws
    /// <see cref="DatabaseUnavailableException"/>, one line naming the file.
    /// </summary>
    public ClassifierStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        if (Directory.Exists(DatabasePath)) throw new DatabaseUnavailableException(path, "it is a directory; give a file, such as --db " + Path.Combine(path, "metanlp.db"));
        var folder = Path.GetDirectoryName(DatabasePath);
        try
        {
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatabaseUnavailableException(path, $"its folder cannot be created ({e.Message})", e);
        }
        _connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        try
        {
            using var connection = Open();
            CheckIntegrity(connection);
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
            Execute(connection, null, """
                CREATE TABLE IF NOT EXISTS classifiers (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    base_model TEXT NOT NULL,
                    threshold REAL NOT NULL,
                    version INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    owner TEXT);
                CREATE TABLE IF NOT EXISTS examples (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    classifier_id TEXT NOT NULL REFERENCES classifiers(id) ON DELETE CASCADE,
                    text TEXT NOT NULL,
                    label TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS examples_by_classifier ON examples(classifier_id, id);
                """);
            MigrateOwner(connection);
            CheckWritable(connection);
        }
        catch (Exception e) when (e is SqliteException or DatabaseUnavailableException)
        {
            using (var pooled = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(pooled);   // no handle left open on a file the server will not use
            if (e is not SqliteException sqlite) throw;
            throw sqlite.SqliteErrorCode == 14 && !File.Exists(DatabasePath)
                ? new DatabaseUnavailableException(path, $"it cannot be created: check that its folder can be written ({sqlite.Message})", sqlite)
                : new DatabaseUnavailableException(path, DatabaseUnavailableException.Describe(sqlite), sqlite);
        }
    }

    // Databases made before owners were recorded gain a null owner column: their classifiers are managed by admin keys only.
    private static void MigrateOwner(SqliteConnection connection)
    {
        using (var has = Command(connection, null, "SELECT COUNT(*) FROM pragma_table_info('classifiers') WHERE name = 'owner';"))
        {
            if ((long)has.ExecuteScalar()! == 0) Execute(connection, null, "ALTER TABLE classifiers ADD COLUMN owner TEXT;");
        }
        Execute(connection, null, "CREATE INDEX IF NOT EXISTS classifiers_by_owner ON classifiers(owner, created_at, id);");
    }

    /// <summary>The database file, absolute.</summary>
    public string DatabasePath { get; }

    // A damaged file is refused before the server writes anything into it (the journal mode, the tables).
    private void CheckIntegrity(SqliteConnection connection)
    {
        using var command = Command(connection, null, "PRAGMA integrity_check(3);");
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0).Replace('\n', ' '));
        if (rows is not ["ok"]) throw new DatabaseUnavailableException(DatabasePath, $"it is damaged: restore it from a backup, or start with another --db (integrity check: {string.Join("; ", rows)})");
    }

    // A write that is rolled back: a read-only file (or one whose -wal cannot be written) fails here, not on the first request.
    private static void CheckWritable(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "CREATE TABLE metanlp_write_check (x INTEGER); INSERT INTO metanlp_write_check VALUES (1);");
        transaction.Rollback();
    }

    /// <summary>Stores a new classifier with its examples, owned by <paramref name="owner"/>; returns it.</summary>
    public StoredClassifier Create(string name, string baseModel, double threshold, IReadOnlyList<(string Text, string Label)> examples, string? owner = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        string now = Now();
        var classifier = new StoredClassifier(Guid.NewGuid().ToString("n"), name, baseModel, threshold, 1, now, now, owner);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "INSERT INTO classifiers (id, name, base_model, threshold, version, created_at, updated_at, owner) VALUES ($id, $name, $base, $threshold, 1, $now, $now, $owner);",
            ("$id", classifier.Id), ("$name", name), ("$base", baseModel), ("$threshold", threshold), ("$now", now), ("$owner", (object?)owner ?? DBNull.Value));
        InsertExamples(connection, transaction, classifier.Id, examples);
        transaction.Commit();
        return classifier;
    }

    /// <summary>Every classifier, oldest first.</summary>
    public IReadOnlyList<StoredClassifier> List()
    {
        using var connection = Open();
        return ReadClassifiers(connection, $"SELECT {ClassifierColumns} FROM classifiers ORDER BY created_at, id;");
    }

    /// <summary>
    /// One page of the classifiers, oldest first, each with its examples counted per label (one grouped query, no
    /// example read), and how many there are in all; read in one transaction.
    /// </summary>
    /// <param name="offset">Classifiers to skip.</param>
    /// <param name="limit">Most classifiers to return.</param>
    /// <param name="owner">Only the classifiers of this owner; null for all of them.</param>
    public (IReadOnlyList<(StoredClassifier Classifier, IReadOnlyDictionary<string, int> LabelCounts)> Page, long Total) ListPage(int offset, int limit, string? owner = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        long total;
        string where = owner is null ? "" : "WHERE owner = $owner ";
        (string, object)[] parameters = owner is null ? [("$limit", limit), ("$offset", offset)] : [("$limit", limit), ("$offset", offset), ("$owner", owner)];
        using (var count = Command(connection, transaction, $"SELECT COUNT(*) FROM classifiers {where};", parameters))
            total = (long)count.ExecuteScalar()!;
        var page = ReadClassifiers(connection, $"SELECT {ClassifierColumns} FROM classifiers {where}ORDER BY created_at, id LIMIT $limit OFFSET $offset;",
            parameters, transaction);
        var counts = page.ToDictionary(c => c.Id, _ => new SortedDictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);
        if (page.Count > 0)
        {
            using var grouped = Command(connection, transaction,
                $"SELECT e.classifier_id, e.label, COUNT(*) FROM examples e JOIN (SELECT id FROM classifiers {where}ORDER BY created_at, id LIMIT $limit OFFSET $offset) p ON p.id = e.classifier_id GROUP BY e.classifier_id, e.label;",
                parameters);
            using var reader = grouped.ExecuteReader();
            while (reader.Read()) counts[reader.GetString(0)][reader.GetString(1)] = (int)reader.GetInt64(2);
        }
        transaction.Commit();
        return ([.. page.Select(c => (c, (IReadOnlyDictionary<string, int>)counts[c.Id]))], total);
    }

    /// <summary>The classifier with <paramref name="id"/>, or null.</summary>
    public StoredClassifier? Get(string id)
    {
        using var connection = Open();
        return ReadClassifiers(connection, $"SELECT {ClassifierColumns} FROM classifiers WHERE id = $id;", ("$id", id)).SingleOrDefault();
    }

    /// <summary>The classifier with its examples in insertion order, read in one transaction; null if absent.</summary>
    public (StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)? GetWithExamples(string id)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var classifier = ReadClassifiers(connection, $"SELECT {ClassifierColumns} FROM classifiers WHERE id = $id;", ("$id", id), transaction).SingleOrDefault();
        if (classifier is null) return null;
        using var command = Command(connection, transaction, "SELECT id, text, label FROM examples WHERE classifier_id = $id ORDER BY id;", ("$id", id));
        using var reader = command.ExecuteReader();
        var examples = new List<StoredExample>();
        while (reader.Read()) examples.Add(new StoredExample(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        return (classifier, examples);
    }

    /// <summary>Deletes a classifier and its examples; false if it did not exist.</summary>
    public bool Delete(string id)
    {
        using var connection = Open();
        using var command = Command(connection, null, "DELETE FROM classifiers WHERE id = $id;", ("$id", id));
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// Adds and removes examples in one transaction and bumps the version. <paramref name="check"/> sees the examples
    /// as they would be after the change and may throw to abort it (nothing is written then). Returns false if the
    /// classifier does not exist.
    /// </summary>
    public bool ChangeExamples(string id, IReadOnlyList<(string Text, string Label)> add, IReadOnlyList<long> remove, Action<IReadOnlyList<StoredExample>> check)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(check);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var bump = Command(connection, transaction, "UPDATE classifiers SET version = version + 1, updated_at = $now WHERE id = $id;", ("$id", id), ("$now", Now())))
        {
            if (bump.ExecuteNonQuery() == 0) return false;
        }
        foreach (long exampleId in remove)
        {
            using var delete = Command(connection, transaction, "DELETE FROM examples WHERE id = $example AND classifier_id = $id;", ("$example", exampleId), ("$id", id));
            if (delete.ExecuteNonQuery() == 0) throw new KeyNotFoundException($"Classifier '{id}' has no example {exampleId}.");
        }
        InsertExamples(connection, transaction, id, add);
        using (var command = Command(connection, transaction, "SELECT id, text, label FROM examples WHERE classifier_id = $id ORDER BY id;", ("$id", id)))
        using (var reader = command.ExecuteReader())
        {
            var after = new List<StoredExample>();
            while (reader.Read()) after.Add(new StoredExample(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            check(after);
        }
        transaction.Commit();
        return true;
    }

    private static void InsertExamples(SqliteConnection connection, SqliteTransaction transaction, string id, IReadOnlyList<(string Text, string Label)> examples)
    {
        using var insert = Command(connection, transaction, "INSERT INTO examples (classifier_id, text, label) VALUES ($id, $text, $label);", ("$id", id), ("$text", ""), ("$label", ""));
        foreach (var (text, label) in examples)
        {
            insert.Parameters["$text"].Value = text;
            insert.Parameters["$label"].Value = label;
            insert.ExecuteNonQuery();
        }
    }

    private static List<StoredClassifier> ReadClassifiers(SqliteConnection connection, string sql, (string, object)? parameter = null, SqliteTransaction? transaction = null) =>
        ReadClassifiers(connection, sql, parameter is { } p ? [p] : [], transaction);

    private static List<StoredClassifier> ReadClassifiers(SqliteConnection connection, string sql, (string Name, object Value)[] parameters, SqliteTransaction? transaction)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<StoredClassifier>();
        while (reader.Read())
            list.Add(new StoredClassifier(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        return list;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
