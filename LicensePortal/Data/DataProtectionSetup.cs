using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LicensePortal.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace LicensePortal.Data;

public static class DataProtectionSetup
{
    public const string CertificateFile = "data-protection.pfx";

    /// <summary>
    /// Keeps the data-protection key ring in the database, under a fixed application name, so sign-in
    /// cookies, antiforgery tokens and circuits issued by one instance are read by the others and
    /// survive a restart or a move to another folder. Without it the keys live in the user profile
    /// (or, in a container, in memory), and every restart signs everyone out. Each key is encrypted
    /// with a certificate kept in the key folder, outside the database, so a copy of the database or
    /// a backup cannot forge a sign-in cookie.
    /// </summary>
    public static WebApplicationBuilder AddDataProtectionKeys(this WebApplicationBuilder builder)
    {
        var certificate = CertificateIn(KeyFolder.For(builder.Configuration, builder.Environment));
        builder
            .Services.AddDataProtection()
            .PersistKeysToDbContext<AppDbContext>()
            .SetApplicationName("LicensePortal")
            .ProtectKeysWithCertificate(certificate);
        builder.Services.AddHostedService<EncryptedKeyAtStart>();
        return builder;
    }

    /// <summary>
    /// The key folder's certificate (an RSA key pair in a PKCS#12 file created readable by the portal's account only),
    /// made the first time, the way the answer-signing keys are. Its validity does not limit decryption.
    /// </summary>
    public static X509Certificate2 CertificateIn(string folder)
    {
        var path = Path.Combine(folder, CertificateFile);
        if (!File.Exists(path))
        {
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest(
                "CN=LicensePortal data protection",
                rsa,
                HashAlgorithmName.SHA256,
                RSASignaturePadding.Pkcs1
            );
            var now = DateTimeOffset.UtcNow;
            using var made = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(100));
            PrivateFiles.Write(path, made.Export(X509ContentType.Pfx), overwrite: false);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(
            path,
            password: null,
            OperatingSystem.IsWindows() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet
        );
    }

    /// <summary>
    /// Keys written unencrypted by an earlier version keep working until they expire, but the newest key should not be
    /// one a copy of the database could read: when it is, a new (encrypted) key starts now and signs from then on.
    /// </summary>
    private sealed class EncryptedKeyAtStart(
        IServiceProvider services,
        IKeyManager keys,
        TimeProvider clock,
        ILogger<EncryptedKeyAtStart> logger
    ) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
            var newest = await db.DataProtectionKeys.OrderByDescending(k => k.Id).Select(k => k.Xml).FirstOrDefaultAsync(ct);
            if (newest is null || newest.Contains("<encryptedSecret", StringComparison.Ordinal))
                return;
            var now = clock.GetUtcNow();
            keys.CreateNewKey(now, now.AddDays(90));
            logger.LogInformation("Made an encrypted data-protection key; the unencrypted ones are read until they expire.");
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
