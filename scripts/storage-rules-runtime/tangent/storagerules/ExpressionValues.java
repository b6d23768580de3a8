package tangent.storagerules;

import com.google.firebase.rules.runtime.v1.ExpressionListValue;
import com.google.firebase.rules.runtime.v1.ExpressionMapValue;
import com.google.firebase.rules.runtime.v1.ExpressionPathSegmentValue;
import com.google.firebase.rules.runtime.v1.ExpressionPathValue;
import com.google.firebase.rules.runtime.v1.ExpressionValue;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.protobuf.util.Timestamps;
import com.google.type.LatLng;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Rules values built from what firebase-tools hands us: paths and Firestore REST documents. */
final class ExpressionValues {
  static final ExpressionValue NULL =
      ExpressionValue.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

  private ExpressionValues() {}

  static ExpressionValue bool(boolean value) {
    return ExpressionValue.newBuilder().setBoolValue(value).build();
  }

  /** "/b/bucket/o/calls/c1/alice/f1" as the path the firebase.storage service matches. */
  static ExpressionPathValue path(String slashSeparated) {
    return path(
        Arrays.stream(slashSeparated.split("/")).filter(segment -> !segment.isEmpty()).toList());
  }

  private static ExpressionPathValue path(List<String> segments) {
    ExpressionPathValue.Builder path = ExpressionPathValue.newBuilder();
    for (String segment : segments) {
      path.addSegments(ExpressionPathSegmentValue.newBuilder().setSimple(segment));
    }
    return path.build();
  }

  /** The argument of firestore.get(): "/databases/(default)/documents/calls/c1". */
  static String pathString(ExpressionPathValue path) {
    StringBuilder text = new StringBuilder();
    for (ExpressionPathSegmentValue segment : path.getSegmentsList()) {
      if (segment.getKindCase() != ExpressionPathSegmentValue.KindCase.SIMPLE) {
        throw new IllegalArgumentException("firestore.get() needs a concrete path, got " + path);
      }
      text.append('/').append(segment.getSimple());
    }
    return text.toString();
  }

  /**
   * A Firestore document as firestore.get() returns it in rules: {@code data}, {@code id} and
   * {@code __name__}, the same three fields the Firestore emulator gives its own get()
   * (EntityToExpressionValueConverter in the same jar).
   */
  static ExpressionValue firestoreResource(JsonObject document) {
    String name = document.get("name").getAsString(); // projects/p/databases/(default)/documents/...
    List<String> segments = Arrays.asList(name.split("/"));
    List<String> fromDatabases = segments.subList(segments.indexOf("databases"), segments.size());
    ExpressionMapValue.Builder data = ExpressionMapValue.newBuilder();
    if (document.has("fields")) {
      for (Map.Entry<String, JsonElement> field : document.getAsJsonObject("fields").entrySet()) {
        data.putFields(field.getKey(), firestoreValue(field.getValue().getAsJsonObject()));
      }
    }
    return map(
        ExpressionMapValue.newBuilder()
            .putFields("data", ExpressionValue.newBuilder().setMapValue(data).build())
            .putFields("id", string(segments.get(segments.size() - 1)))
            .putFields(
                "__name__", ExpressionValue.newBuilder().setPathValue(path(fromDatabases)).build())
            .build());
  }

  /** One Firestore REST value (https://firebase.google.com/docs/firestore/reference/rest/v1/Value). */
  static ExpressionValue firestoreValue(JsonObject value) {
    Map.Entry<String, JsonElement> only = value.entrySet().iterator().next();
    JsonElement v = only.getValue();
    ExpressionValue.Builder out = ExpressionValue.newBuilder();
    switch (only.getKey()) {
      case "nullValue" -> out.setNullValue(NullValue.NULL_VALUE);
      case "booleanValue" -> out.setBoolValue(v.getAsBoolean());
      case "integerValue" -> out.setIntValue(Long.parseLong(v.getAsString()));
      case "doubleValue" -> out.setFloatValue(parseDouble(v.getAsString()));
      case "timestampValue" -> {
        try {
          out.setTimestampValue(Timestamps.parse(v.getAsString()));
        } catch (ParseException e) {
          throw new IllegalArgumentException("Bad timestamp " + v, e);
        }
      }
      case "stringValue" -> out.setStringValue(v.getAsString());
      case "bytesValue" ->
          out.setBytesValue(ByteString.copyFrom(Base64.getDecoder().decode(v.getAsString())));
      case "referenceValue" -> {
        List<String> segments = Arrays.asList(v.getAsString().split("/"));
        out.setPathValue(path(segments.subList(segments.indexOf("databases"), segments.size())));
      }
      case "geoPointValue" -> {
        JsonObject point = v.getAsJsonObject();
        out.setLatlngValue(
            LatLng.newBuilder()
                .setLatitude(point.has("latitude") ? point.get("latitude").getAsDouble() : 0)
                .setLongitude(point.has("longitude") ? point.get("longitude").getAsDouble() : 0));
      }
      case "arrayValue" -> {
        ExpressionListValue.Builder list = ExpressionListValue.newBuilder();
        JsonObject array = v.getAsJsonObject();
        if (array.has("values")) {
          for (JsonElement item : array.getAsJsonArray("values")) {
            list.addValues(firestoreValue(item.getAsJsonObject()));
          }
        }
        out.setListValue(list);
      }
      case "mapValue" -> {
        ExpressionMapValue.Builder fields = ExpressionMapValue.newBuilder();
        JsonObject map = v.getAsJsonObject();
        if (map.has("fields")) {
          for (Map.Entry<String, JsonElement> field : map.getAsJsonObject("fields").entrySet()) {
            fields.putFields(field.getKey(), firestoreValue(field.getValue().getAsJsonObject()));
          }
        }
        out.setMapValue(fields);
      }
      default -> throw new IllegalArgumentException("Unknown Firestore value " + value);
    }
    return out.build();
  }

  private static double parseDouble(String text) {
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private static ExpressionValue string(String value) {
    return ExpressionValue.newBuilder().setStringValue(value).build();
  }

  private static ExpressionValue map(ExpressionMapValue value) {
    return ExpressionValue.newBuilder().setMapValue(value).build();
  }
}
