namespace Beacon.Web.Infrastructure;

/// <summary>Role names carried in the token's <c>role</c> claim, and the policies built on them.</summary>
public static class Roles
{
    /// <summary>A signed-in user: may use their own notifications and streams, and see the system status.</summary>
    public const string User = "user";

    /// <summary>May publish events to anyone.</summary>
    public const string Publisher = "publisher";

    /// <summary>May do everything, including the admin surfaces.</summary>
    public const string Admin = "admin";

    /// <summary>Policy: publisher or admin.</summary>
    public const string CanPublish = "can-publish";

    /// <summary>Policy: any of user, publisher or admin (a token with no Beacon role gets 403).</summary>
    public const string IsUser = "is-user";

    /// <summary>Policy: admin.</summary>
    public const string IsAdmin = "is-admin";
}
