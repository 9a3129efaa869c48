/**
 * A trained model as an ONNX graph ({@link org.sparkrnn.onnx.OnnxExport}), written with the classes protoc generates
 * from ONNX's own schema ({@code src/main/proto/onnx.proto}, package {@code org.sparkrnn.onnx.proto}): what ONNX
 * Runtime, and every runtime that reads ONNX, serves without Spark or this project.
 */
package org.sparkrnn.onnx;
