using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Server;

/// <summary>
/// A database error during a request (the file made read-only, the disk full, a lock held too long, damage found
/// while reading) answers 503 with a problem body that says what is wrong, instead of a bare 500; the log gets the
/// file's path, the client does not.
/// </summary>
internal sealed class DatabaseExceptionHandler(ClassifierStore store, IProblemDetailsService problems, ILogger<DatabaseExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not SqliteException sqlite) return false;
        string reason = DatabaseUnavailableException.Describe(sqlite);
        logger.LogError("The database '{Path}' failed during {Method} {Request}: {Reason}", store.DatabasePath, httpContext.Request.Method, httpContext.Request.Path, reason);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Database unavailable", Detail = $"The classifier database cannot be used: {reason}" },
        });
    }
}
