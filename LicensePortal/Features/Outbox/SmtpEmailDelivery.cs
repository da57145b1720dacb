using System.Net;
using System.Net.Mail;
using LicensePortal.Infrastructure;
using Microsoft.Extensions.Options;

namespace LicensePortal.Features.Outbox;

/// <summary>SMTP when a host is configured, otherwise .eml files in a pickup folder that any mail tool can open.</summary>
public sealed class SmtpEmailDelivery(IOptions<EmailOptions> options, IWebHostEnvironment environment) : IEmailDelivery
{
    private readonly EmailOptions o = options.Value;

    public string PickupFolder => Path.GetFullPath(Path.Combine(environment.ContentRootPath, o.PickupFolder));

    public string Describe =>
        string.IsNullOrWhiteSpace(o.SmtpHost) ? $".eml files in {PickupFolder}" : $"SMTP via {o.SmtpHost}:{o.SmtpPort}";

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        using var mail = new MailMessage(new MailAddress(o.From, o.FromName), new MailAddress(message.To))
        {
            Subject = message.Subject,
            Body = message.Body,
        };
        // The same id whichever attempt delivers it, so a server or mailbox that sees it twice can tell.
        mail.Headers.Add("Message-ID", MessageIdOf(message.Id, o.From));
        if (message.Attachment is { } bytes)
            mail.Attachments.Add(
                new Attachment(
                    new MemoryStream(bytes),
                    message.AttachmentName ?? "attachment",
                    message.AttachmentContentType ?? "application/octet-stream"
                )
            );

        using var client = new SmtpClient { Timeout = o.SmtpTimeoutSeconds * 1000 };
        string? staging = null;
        if (string.IsNullOrWhiteSpace(o.SmtpHost))
        {
            // SmtpClient writes the .eml with the umask's mode: into a folder of this delivery's own that only the portal's
            // account can enter, from where PublishPickedUp moves a private copy into the pickup folder.
            PrivateFiles.CreateFolder(PickupFolder);
            staging = Path.Combine(PickupFolder, $".staging-{Guid.NewGuid():N}");
            PrivateFiles.CreateFolder(staging);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = staging;
        }
        else
        {
            client.Host = o.SmtpHost;
            client.Port = o.SmtpPort;
            client.EnableSsl = o.SmtpSsl;
            if (!string.IsNullOrEmpty(o.SmtpUser))
                client.Credentials = new NetworkCredential(o.SmtpUser, o.SmtpPassword);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.SmtpTimeoutSeconds));
        try
        {
            await client.SendMailAsync(mail, timeout.Token);
            if (staging is not null)
                await PublishPickedUpAsync(staging, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"The mail server did not take the message within {o.SmtpTimeoutSeconds} seconds.");
        }
        finally
        {
            if (staging is not null && Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Copies each staged .eml into a new file only the owner reads, then renames it into the pickup folder whole.</summary>
    private async Task PublishPickedUpAsync(string staging, CancellationToken ct)
    {
        foreach (var written in Directory.GetFiles(staging, "*.eml"))
        {
            var copy = written + ".private";
            await using (var from = File.OpenRead(written))
            await using (var to = PrivateFiles.CreateNew(copy))
                await from.CopyToAsync(to, ct);
            File.Move(copy, Path.Combine(PickupFolder, Path.GetFileName(written)));
        }
    }

    /// <summary>The Message-ID of an outbox message: its id at the sender's domain.</summary>
    public static string MessageIdOf(long outboxId, string from) => $"<outbox-{outboxId}@{from[(from.IndexOf('@') + 1)..]}>";
}
