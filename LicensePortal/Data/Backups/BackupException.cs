using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LicensePortal.Data.Backups;

public sealed class BackupException(string message) : Exception(message);
