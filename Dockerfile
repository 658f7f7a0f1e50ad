# The lexflow worker image (also runs `lexflow` commands and starter.py).
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY lexflow ./lexflow
COPY workflows ./workflows
COPY activities ./activities
COPY worker.py starter.py ./
RUN pip install --no-cache-dir .
ENV LOG_FORMAT=json
CMD ["python", "worker.py"]
