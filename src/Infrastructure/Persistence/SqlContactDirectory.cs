using System.Data.Common;
using System.Text.Json;
using Beacon.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Contacts from <c>ConversationMembers</c> joined to itself, as one statement with one parameter whatever the
/// batch size: the ids as a JSON array on SQLite, a <c>text[]</c> on PostgreSQL. The LINQ form it replaces made EF
/// Core expand the ids into one parameter each and generate the SQL again for every batch; on a node that 10,000
/// users join, that query was the largest single cost of their connecting (bench/README.md, session 8).
/// </summary>
internal sealed class SqlContactDirectory(BeaconDbContext db) : IContactDirectory
{
    private const string Select = """
        SELECT DISTINCT m."UserId", o."UserId"
        FROM "ConversationMembers" AS m
        JOIN "ConversationMembers" AS o ON o."ConversationId" = m."ConversationId" AND o."UserId" <> m."UserId"
        """;

    private const string SqliteQuery = Select + """ WHERE m."UserId" IN (SELECT value FROM json_each(@ids))""";
    private const string PostgresQuery = Select + """ WHERE m."UserId" = ANY(@ids)""";

    public async Task<ILookup<string, string>> ContactsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var pairs = new List<(string UserId, string ContactId)>();
        if (userIds.Count > 0)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = CreateCommand(userIds as string[] ?? [.. userIds]);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    pairs.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        return pairs.ToLookup(p => p.UserId, p => p.ContactId, StringComparer.Ordinal);
    }

    private DbCommand CreateCommand(string[] ids)
    {
        var postgres = db is PostgresBeaconDbContext;
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = postgres ? PostgresQuery : SqliteQuery;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@ids";
        parameter.Value = postgres ? ids : JsonSerializer.Serialize(ids);
        command.Parameters.Add(parameter);
        return command;
    }
}
