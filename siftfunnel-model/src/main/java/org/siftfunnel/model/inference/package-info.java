/**
 * Running a trained split model on new inputs: {@link org.siftfunnel.model.inference.ModelLoader}
 * builds a model from a {@link org.siftfunnel.model.inference.ModelSpec} and fills it from a
 * state dict with PyTorch names ({@link org.siftfunnel.model.inference.WeightsFile}: a plain
 * safetensors file, a run's checkpoint or a run folder), checking every tensor's presence and
 * shape ({@link org.siftfunnel.model.inference.LoadReport});
 * {@link org.siftfunnel.model.inference.InputFiles} turns a safetensors tensor or an image file
 * into normalised model input; {@link org.siftfunnel.model.inference.Predictor} runs the model in
 * eval mode without gradients and returns the transmitted features Z and the log-probabilities
 * ({@link org.siftfunnel.model.inference.Prediction}). The CLI's {@code predict} command is a thin
 * layer over these classes.
 */
package org.siftfunnel.model.inference;
