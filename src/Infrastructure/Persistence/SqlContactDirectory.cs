using System.Data.Common;
using System.Text.Json;
using Beacon.Application.Common.Interfaces;

namespace Beacon.Infrastructure.Persistence;

/// <summary>
/// Contacts from <c>ConversationMembers</c> joined to itself, kept to the conversations the user started or posted
/// in (<see cref="IContactDirectory"/>), as one statement with one parameter whatever the
/// batch size: the ids as a JSON array on SQLite, a <c>text[]</c> on PostgreSQL. The LINQ form it replaces made EF
/// Core expand the ids into one parameter each and generate the SQL again for every batch; on a node that 10,000
/// users join, that query was the largest single cost of their connecting (bench/README.md, session 8).
/// It is a singleton on a plain pooled connection rather than on the scope's <c>DbContext</c>: the context's options
/// are built per scope (their interceptor is scoped), so each presence batch paid for a new context's services,
/// about 0.5 KB per connecting user while a node filled up (bench/README.md, session 19).
/// </summary>
internal sealed class SqlContactDirectory(DatabaseConnectionString database) : IContactDirectory
{
    private const string Select = """
        SELECT DISTINCT m."UserId", o."UserId"
        FROM "ConversationMembers" AS m
        JOIN "ConversationMembers" AS o ON o."ConversationId" = m."ConversationId" AND o."UserId" <> m."UserId"
        """;

    private const string TakenPart = """
         AND (EXISTS (SELECT 1 FROM "Conversations" AS c WHERE c."Id" = m."ConversationId" AND c."CreatedBy" = m."UserId")
           OR EXISTS (SELECT 1 FROM "Messages" AS x WHERE x."ConversationId" = m."ConversationId" AND x."SenderId" = m."UserId"))
        """;

    private const string SqliteQuery = Select + """ WHERE m."UserId" IN (SELECT value FROM json_each(@ids))""" + TakenPart;
    private const string PostgresQuery = Select + """ WHERE m."UserId" = ANY(@ids)""" + TakenPart;

    public async Task<ILookup<string, string>> ContactsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var pairs = new List<(string UserId, string ContactId)>();
        if (userIds.Count > 0)
        {
            await using var connection = database.CreateConnection();
            await using var command = CreateCommand(connection, userIds as string[] ?? [.. userIds]);
            await connection.OpenAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pairs.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        return pairs.ToLookup(p => p.UserId, p => p.ContactId, StringComparer.Ordinal);
    }

    private DbCommand CreateCommand(DbConnection connection, string[] ids)
    {
        var command = connection.CreateCommand();
        command.CommandText = database.IsPostgres ? PostgresQuery : SqliteQuery;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@ids";
        parameter.Value = database.IsPostgres ? ids : JsonSerializer.Serialize(ids);
        command.Parameters.Add(parameter);
        return command;
    }
}
