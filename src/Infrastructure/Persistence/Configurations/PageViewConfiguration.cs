using Beacon.Domain.Analytics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Beacon.Infrastructure.Persistence.Configurations;

internal sealed class PageViewConfiguration : IEntityTypeConfiguration<PageView>
{
    public void Configure(EntityTypeBuilder<PageView> builder)
    {
        builder.ToTable("PageViews");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Path).HasMaxLength(PageView.MaxUrlLength).IsRequired();
        builder.Property(v => v.Referrer).HasMaxLength(PageView.MaxUrlLength);
        builder.Property(v => v.VisitorKey).HasMaxLength(PageView.VisitorKeyLength).IsFixedLength().IsRequired();
        builder.Property(v => v.UserId).HasMaxLength(PageView.MaxUserIdLength);
        builder.Property(v => v.ViewedAt).IsRequired();
        builder.Ignore(v => v.DomainEvents);

        // The live snapshot reads recent views (by time, then grouped by path).
        builder.HasIndex(v => new { v.ViewedAt, v.Path });
    }
}
