namespace LicensePortal.Infrastructure;

/// <summary>
/// Files and folders only the portal's account can read, made so from the moment they exist: on Linux a file is created
/// 0600 and a folder 0700 (the mode given to the create call), never created with the umask's 0644 and narrowed after,
/// which would leave a window in which anyone on the machine could open it. On Windows the folder's ACL decides.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and any missing parents) readable by the owner only; an existing folder is left as it is.</summary>
    public static void CreateFolder(string path)
    {
        if (Directory.Exists(path))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>Opens a new file readable by the owner only; throws <see cref="IOException"/> when it exists.</summary>
    public static FileStream CreateNew(string path) =>
        new(
            path,
            OperatingSystem.IsWindows()
                ? new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write }
                : new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode,
                }
        );

    /// <summary>Creates an empty file readable by the owner only, unless it exists (then it is left as it is).</summary>
    public static void EnsureExists(string path)
    {
        if (File.Exists(path))
            return;
        try
        {
            using var _ = CreateNew(path);
        }
        catch (IOException) when (File.Exists(path)) { }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> whole or not at all: into a new private file beside it,
    /// flushed to disk, then renamed over it. With <paramref name="overwrite"/> false an existing file wins and false is
    /// returned (two instances creating the same key at once keep one).
    /// </summary>
    public static bool Write(string path, ReadOnlySpan<byte> content, bool overwrite)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CreateFolder(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = CreateNew(temp))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            if (!overwrite && File.Exists(path))
                return false;
            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static bool Write(string path, string content, bool overwrite) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), overwrite);
}
