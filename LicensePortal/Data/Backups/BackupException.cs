namespace LicensePortal.Data.Backups;

public sealed class BackupException(string message) : Exception(message);
