"""The REST API (django-ninja): the citizen API and the staff API, OpenAPI at /api/v1/openapi.json.

A face like the pages: it parses and bounds its input, calls the same core functions, and turns
their errors into RFC 9457 problem details. It never imports another face.
"""
