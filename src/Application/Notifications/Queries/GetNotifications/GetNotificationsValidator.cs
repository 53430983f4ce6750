using Beacon.Application.Common;
using FluentValidation;

namespace Beacon.Application.Notifications.Queries.GetNotifications;

/// <summary>Keeps pages within bounds.</summary>
public sealed class GetNotificationsValidator : AbstractValidator<GetNotificationsQuery>
{
    /// <summary>Creates the validator.</summary>
    public GetNotificationsValidator()
    {
        RuleFor(q => q.Page).Must(Paging.IsValidPage).OverridePropertyName("page").WithMessage(Paging.PageRule);
        RuleFor(q => q.PageSize).Must(s => s is null or (>= 1 and <= NotificationRules.MaxPageSize))
            .OverridePropertyName("pageSize").WithMessage($"'pageSize' is 1-{NotificationRules.MaxPageSize}.");
    }
}
