package io.github.tdmpc2j.spi.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * The one way an {@link IOException} is put into a message here. {@code java.nio.file} exceptions often carry
 * the path alone as their message ({@code NoSuchFileException: /a/b}), which drops the reason; {@link #describe}
 * gives the reason in words with the file it concerns: {@code "cannot write " + dir + ": " + describe(e)} reads
 * {@code cannot write /proc/x: no such file or folder (/proc/x)}.
 */
public final class IoErrors {
    /** The operating system's words for a full disk (ENOSPC), which a stream's write carries as its message alone. */
    private static final String NO_SPACE = "No space left on device";

    private IoErrors() {
    }

    /**
     * What went wrong, in words, then the file (and the other file of a move or link) in parentheses:
     * {@code no such file or folder (/a/b)}, {@code permission denied (/a)}, {@code not a folder (/dev/null/x)},
     * {@code already exists (/a)}; the message of an exception that is not about one file.
     */
    public static String describe(IOException e) {
        if (!(e instanceof FileSystemException f)) { // a stream's write: the reason alone (a full disk's, say)
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.equals(NO_SPACE) ? inWords(m) : m;
        }
        String reason = f instanceof NoSuchFileException ? "no such file or folder"
                : f instanceof AccessDeniedException ? "permission denied"
                : f instanceof FileAlreadyExistsException ? "already exists"
                : f instanceof NotDirectoryException ? "not a folder"
                : f instanceof DirectoryNotEmptyException ? "folder not empty"
                : f instanceof NotLinkException ? "not a symbolic link"
                : f instanceof FileSystemLoopException ? "a loop of symbolic links"
                : f instanceof AtomicMoveNotSupportedException ? "cannot be moved in one step (another file system?)"
                : f.getReason() != null ? inWords(f.getReason()) : f.getClass().getSimpleName();
        if (f.getFile() == null) {
            return reason;
        }
        return reason + " (" + f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ")";
    }

    /** The operating system's reason ({@code strerror}), in this project's words and lower case. */
    private static String inWords(String reason) {
        return switch (reason) {
            case "Not a directory" -> "not a folder";
            case "Is a directory" -> "is a folder";
            case "No such file or directory" -> "no such file or folder";
            case "Directory not empty" -> "folder not empty";
            case NO_SPACE -> "no space left on the disk";
            default -> reason.isEmpty() ? reason : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        };
    }
}
