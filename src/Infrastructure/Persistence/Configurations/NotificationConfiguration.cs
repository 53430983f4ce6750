using Beacon.Domain.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Beacon.Infrastructure.Persistence.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("Notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.UserId).HasMaxLength(Notification.MaxUserIdLength).IsRequired();
        builder.Property(n => n.Title).HasMaxLength(Notification.MaxTitleLength).IsRequired();
        builder.Property(n => n.Message).HasMaxLength(Notification.MaxMessageLength).IsRequired();
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(n => n.Link).HasMaxLength(Notification.MaxLinkLength);
        builder.Property(n => n.CreatedAt).IsRequired();
        builder.Ignore(n => n.IsRead);
        builder.Ignore(n => n.DomainEvents);

        // The list (newest first) and the unread count are both per user.
        builder.HasIndex(n => new { n.UserId, n.CreatedAt });
        builder.HasIndex(n => new { n.UserId, n.ReadAt });
    }
}
