package org.sparkrnn.driver.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Files of a model directory on any Hadoop file system (local paths, file://, hdfs://, ...). Every write goes to a
 * temporary name first and is renamed into place only once complete, so a crash mid-write never leaves a complete-
 * looking file behind.
 */
public final class FileStore {

    private final Configuration conf;

    public FileStore(Configuration conf) {
        this.conf = conf;
    }

    /** The file system of a path; the raw one for local files (no .crc side files next to every file). */
    private FileSystem fs(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /**
     * {@code path} made independent of the working directory, so that a saved setting still names the same data
     * from elsewhere: a URI stays as it is; a relative path is resolved against the default file system (a local
     * one gives a plain absolute path, HDFS the user's home there). Globs are kept.
     */
    public String qualified(String path) {
        if (path == null || path.isEmpty()) {
            return path;
        }
        Path p = new Path(path);
        if (p.toUri().getScheme() != null) {
            return path;
        }
        try {
            Path qualified = p.getFileSystem(conf).makeQualified(p);
            return "file".equals(qualified.toUri().getScheme()) ? qualified.toUri().getPath() : qualified.toString();
        } catch (IOException e) {
            return path;
        }
    }

    public boolean exists(String path) throws IOException {
        Path p = new Path(path);
        return fs(p).exists(p);
    }

    public byte[] read(String path) throws IOException {
        Path p = new Path(path);
        try (InputStream in = fs(p).open(p)) {
            return in.readAllBytes();
        }
    }

    /** Writes {@code bytes} to {@code path} through {@code path + ".tmp"}, replacing any previous file. */
    public void writeAtomically(String path, byte[] bytes) throws IOException {
        Path target = new Path(path);
        Path temporary = new Path(path + ".tmp");
        FileSystem fs = fs(target);
        fs.mkdirs(target.getParent());
        try (FSDataOutputStream out = fs.create(temporary, true)) {
            out.write(bytes);
            out.hsync();
        }
        if (fs.exists(target) && !fs.delete(target, false)) {
            throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(temporary, target)) {
            throw new IOException("cannot rename " + temporary + " to " + target);
        }
    }

    public void delete(String path) throws IOException {
        Path p = new Path(path);
        fs(p).delete(p, false);
    }

    /** Deletes {@code path} and everything under it, if it is there. */
    public void deleteTree(String path) throws IOException {
        Path p = new Path(path);
        fs(p).delete(p, true);
    }

    /** Names of the files directly inside {@code directory} (none when it does not exist). */
    public List<String> list(String directory) throws IOException {
        Path dir = new Path(directory);
        FileSystem fs = fs(dir);
        List<String> names = new ArrayList<>();
        if (!fs.exists(dir)) {
            return names;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            if (status.isFile()) {
                names.add(status.getPath().getName());
            }
        }
        return names;
    }

    /** Names of the directories directly inside {@code directory}, sorted (none when it does not exist). */
    public List<String> listDirectories(String directory) throws IOException {
        Path dir = new Path(directory);
        FileSystem fs = fs(dir);
        List<String> names = new ArrayList<>();
        if (fs.exists(dir)) {
            for (FileStatus status : fs.listStatus(dir)) {
                if (status.isDirectory()) {
                    names.add(status.getPath().getName());
                }
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    /**
     * {@code name} inside {@code directory}, spelt as the user spelt the directory: {@code hdfs:///runs/y1} gives
     * {@code hdfs:///runs/y1/model.safetensors} (Hadoop's {@code Path} would print {@code hdfs:/runs/...}, a URI
     * with one slash that no user wrote).
     */
    public static String join(String directory, String name) {
        return directory.endsWith("/") ? directory + name : directory + "/" + name;
    }
}
