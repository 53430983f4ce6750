using Beacon.Domain.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Beacon.Infrastructure.Persistence.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("Conversations");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Title).HasMaxLength(Conversation.MaxTitleLength);
        builder.Property(c => c.CreatedBy).HasMaxLength(Conversation.MaxUserIdLength).IsRequired();
        builder.Ignore(c => c.DomainEvents);
        builder.HasIndex(c => c.LastActivityAt);

        builder.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(c => c.Members).HasField("_members").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ConversationMemberConfiguration : IEntityTypeConfiguration<ConversationMember>
{
    public void Configure(EntityTypeBuilder<ConversationMember> builder)
    {
        builder.ToTable("ConversationMembers");
        builder.HasKey(m => new { m.ConversationId, m.UserId });
        builder.Property(m => m.UserId).HasMaxLength(Conversation.MaxUserIdLength).IsRequired();

        // "My conversations" and "my contacts" start from the member.
        builder.HasIndex(m => m.UserId);
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("Messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.SenderId).HasMaxLength(Conversation.MaxUserIdLength).IsRequired();
        builder.Property(m => m.Text).HasMaxLength(Message.MaxTextLength).IsRequired();
        builder.Ignore(m => m.DomainEvents);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.ConversationId, m.SentAt });

        // Whether a member has posted in a conversation: their presence shows only to those they have written to.
        builder.HasIndex(m => new { m.ConversationId, m.SenderId });
    }
}
