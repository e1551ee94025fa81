package dev.rcsd.io.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rcsd.io.FormatException;
import dev.rcsd.io.checkpoint.TensorInfo;
import dev.rcsd.io.proto.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, its header parsed with strict bounds:
 *
 * <pre>
 *   u64 little-endian n | n bytes of JSON header | data
 *   header = { "__metadata__": {string: string}?, name: {"dtype", "shape", "data_offsets": [begin, end]}, ... }
 * </pre>
 *
 * The header may not exceed 100 MiB nor the file; every tensor's offsets must lie in the data, its
 * length must match its shape and dtype, and the tensors must tile the data exactly (no overlap,
 * no hole), so a header that lies about its offsets is refused before anything is read.
 */
public final class SafetensorsFile {
  public static final long MAX_HEADER_BYTES = 100L << 20;
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** A tensor and where its bytes are, relative to the start of the data. */
  public record Entry(TensorInfo info, long begin, long end) {}

  private final Path file;
  private final long dataStart;
  private final List<Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, long dataStart, List<Entry> entries, Map<String, String> metadata) {
    this.file = file;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  public static SafetensorsFile open(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new FormatException(file, "not a safetensors file: " + size + " bytes");
      }
      ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, prefix, 0);
      long n = prefix.flip().getLong();
      if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8) {
        throw new FormatException(file, "safetensors header length " + Long.toUnsignedString(n)
            + " is impossible for a file of " + size + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) n);
      readFully(ch, header, 8);
      JsonNode root;
      try {
        root = JSON.readTree(header.array());
      } catch (IOException e) {
        throw new FormatException(file, "safetensors header is not valid JSON: " + e.getMessage());
      }
      if (root == null || !root.isObject()) {
        throw new FormatException(file, "safetensors header is not a JSON object");
      }
      return parse(file, root, 8 + n, size - 8 - n);
    }
  }

  private static SafetensorsFile parse(Path file, JsonNode root, long dataStart, long dataSize) throws FormatException {
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      JsonNode t = field.getValue();
      if (name.equals("__metadata__")) {
        if (!t.isObject()) {
          throw new FormatException(file, "__metadata__ is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> m = t.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> kv = m.next();
          if (!kv.getValue().isTextual()) {
            throw new FormatException(file, "__metadata__." + kv.getKey() + " is not a string");
          }
          metadata.put(kv.getKey(), kv.getValue().asText());
        }
        continue;
      }
      entries.add(entry(file, name, t, dataSize));
    }
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long expected = 0;
    for (Entry e : byOffset) {
      if (e.begin() != expected) {
        throw new FormatException(file, "tensor '" + e.info().name() + "' starts at data offset " + e.begin()
            + " where " + expected + " was expected: tensors overlap or leave a hole");
      }
      expected = e.end();
    }
    if (expected != dataSize) {
      throw new FormatException(file, "the tensors cover " + expected + " of " + dataSize + " data bytes");
    }
    return new SafetensorsFile(file, dataStart, Collections.unmodifiableList(byOffset), Collections.unmodifiableMap(metadata));
  }

  private static Entry entry(Path file, String name, JsonNode t, long dataSize) throws FormatException {
    String what = "tensor '" + name + "'";
    if (!t.isObject()) {
      throw new FormatException(file, what + " is not described by an object");
    }
    DType dtype = dtype(file, what, t.get("dtype"));
    JsonNode shapeNode = t.get("shape");
    JsonNode offsets = t.get("data_offsets");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new FormatException(file, what + ": shape is missing or not an array");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new FormatException(file, what + ": shape " + shapeNode + " holds something other than a size");
      }
      shape[i] = d.asLong();
    }
    if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
        || !offsets.get(1).isIntegralNumber() || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
      throw new FormatException(file, what + ": data_offsets must be [begin, end]");
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > dataSize) {
      throw new FormatException(file, what + ": data_offsets [" + begin + ", " + end + "] lie outside the "
          + dataSize + " data bytes");
    }
    TensorInfo info;
    try {
      info = TensorInfo.parameter(name, dtype, shape);
    } catch (ArithmeticException e) {
      throw new FormatException(file, what + ": shape " + shapeNode + " is absurd");
    }
    if (info.byteLength() != end - begin) {
      throw new FormatException(file, what + ": data_offsets span " + (end - begin) + " bytes but shape "
          + shapeNode + " of " + dtype + " needs " + info.byteLength());
    }
    return new Entry(info, begin, end);
  }

  private static DType dtype(Path file, String what, JsonNode node) throws FormatException {
    String s = node == null ? "(missing)" : node.asText();
    return switch (s) {
      case "F32" -> DType.F32;
      case "F16" -> DType.F16;
      case "BF16" -> DType.BF16;
      case "I32" -> DType.I32;
      case "I64" -> DType.I64;
      default -> throw new FormatException(file, what + ": dtype " + s + " is not supported (F32, F16, BF16, I32, I64)");
    };
  }

  /** The safetensors name of a dtype. */
  public static String name(DType dtype) {
    return switch (dtype) {
      case F32 -> "F32";
      case F16 -> "F16";
      case BF16 -> "BF16";
      case I32 -> "I32";
      case I64 -> "I64";
      default -> throw new IllegalArgumentException("no safetensors dtype for " + dtype);
    };
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    while (dst.hasRemaining()) {
      int n = ch.read(dst, position);
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
      position += n;
    }
  }

  public Path file() {
    return file;
  }

  /** Tensors in the order of their data. */
  public List<Entry> entries() {
    return entries;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** A stream over one tensor's bytes; the caller closes it. */
  public InputStream open(Entry e) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(dataStart + e.begin());
    InputStream whole = Channels.newInputStream(ch);
    return new InputStream() {
      private long left = e.end() - e.begin();

      @Override
      public int read() throws IOException {
        if (left == 0) {
          return -1;
        }
        int b = whole.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
          return -1;
        }
        int n = whole.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        whole.close();
      }
    };
  }
}
