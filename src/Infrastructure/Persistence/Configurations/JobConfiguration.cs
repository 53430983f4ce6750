using Beacon.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Beacon.Infrastructure.Persistence.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("Jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.OwnerId).HasMaxLength(Job.MaxUserIdLength).IsRequired();
        builder.Property(j => j.Type).HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(j => j.Message).HasMaxLength(Job.MaxTextLength);
        builder.Property(j => j.Error).HasMaxLength(Job.MaxTextLength);
        builder.Property(j => j.HangfireJobId).HasMaxLength(64);
        builder.Property(j => j.Version).IsConcurrencyToken();
        builder.Ignore(j => j.IsFinished);
        builder.Ignore(j => j.DomainEvents);

        // The list is per owner, newest first.
        builder.HasIndex(j => new { j.OwnerId, j.CreatedAt });
    }
}
