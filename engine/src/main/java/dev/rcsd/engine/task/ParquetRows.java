package dev.rcsd.engine.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rcsd.io.FormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The rows of a Parquet file as JSON objects (Apache Parquet's reader on a local file; Parquet
 * reads its settings through Hadoop's client, which is why that is on the class path): strings, numbers and booleans as themselves, LIST columns (the standard 3-level
 * form and the legacy repeated one) as arrays, structs as objects. Row n of the file is the n-th
 * object, 1-based in messages.
 */
final class ParquetRows {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ParquetRows() {}

  static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      PageReadStore pages;
      while ((pages = r.readNextRowGroup()) != null) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          rows.add(object(records.read()));
        }
      }
    } catch (FormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) { // Parquet reports corrupt footers and pages either way
      throw new FormatException(file, "not a readable Parquet file: " + e.getMessage());
    }
    return rows;
  }

  private static ObjectNode object(Group g) {
    ObjectNode o = NODES.objectNode();
    GroupType type = g.getType();
    for (int f = 0; f < type.getFieldCount(); f++) {
      Type t = type.getType(f);
      int count = g.getFieldRepetitionCount(f);
      if (t.isRepetition(Type.Repetition.REPEATED)) { // legacy list: the field itself repeats
        ArrayNode a = o.putArray(t.getName());
        for (int i = 0; i < count; i++) {
          a.add(value(g, f, i, t));
        }
      } else if (count > 0) {
        o.set(t.getName(), value(g, f, 0, t));
      } else {
        o.putNull(t.getName());
      }
    }
    return o;
  }

  private static JsonNode value(Group g, int field, int index, Type t) {
    if (!t.isPrimitive()) {
      Group child = g.getGroup(field, index);
      if (t.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
        return list(child);
      }
      return object(child);
    }
    PrimitiveType p = t.asPrimitiveType();
    return switch (p.getPrimitiveTypeName()) {
      case INT32 -> NODES.numberNode(g.getInteger(field, index));
      case INT64 -> NODES.numberNode(g.getLong(field, index));
      case FLOAT -> NODES.numberNode(g.getFloat(field, index));
      case DOUBLE -> NODES.numberNode(g.getDouble(field, index));
      case BOOLEAN -> NODES.booleanNode(g.getBoolean(field, index));
      default -> NODES.textNode(g.getString(field, index)); // BINARY / FIXED_LEN_BYTE_ARRAY as UTF-8
    };
  }

  /** A LIST group: one repeated child ("list" or "bag"), each holding one element (or being it). */
  private static ArrayNode list(Group list) {
    ArrayNode a = NODES.arrayNode();
    GroupType type = list.getType();
    if (type.getFieldCount() != 1) {
      throw new IllegalArgumentException("LIST column '" + type.getName() + "' has " + type.getFieldCount()
          + " children, expected 1");
    }
    Type repeated = type.getType(0);
    int count = list.getFieldRepetitionCount(0);
    for (int i = 0; i < count; i++) {
      if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
          && !repeated.getName().equals("array") && !repeated.getName().endsWith("_tuple")) {
        Group holder = list.getGroup(0, i); // the 3-level form: list.element
        Type element = holder.getType().getType(0);
        a.add(holder.getFieldRepetitionCount(0) == 0 ? NODES.nullNode() : value(holder, 0, 0, element));
      } else {
        a.add(value(list, 0, i, repeated));
      }
    }
    return a;
  }
}
