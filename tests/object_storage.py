"""A local S3-compatible server (moto in server mode) for the tests of files on object storage.

`s3_endpoint` (module scope) starts it on 127.0.0.1 and creates the bucket (moto keeps its data per
process: each test writes under a prefix of its own); `s3_options(endpoint)` gives
the S3Storage options production uses (fabrique/settings/base.py, « Stockage objet »). Import the fixtures
by name. Nothing here mocks the storage class: django-storages talks HTTP to the server.
"""

import contextlib
import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

BUCKET = "fabrique-medias"
REGION = "eu-west-3"
KEYS = {"aws_access_key_id": "x", "aws_secret_access_key": "x"}


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)


def s3_options(endpoint, *, location=""):
    """S3Storage's options, as the settings build them from the environment."""
    return {
        "bucket_name": BUCKET,
        "access_key": KEYS["aws_access_key_id"],
        "secret_key": KEYS["aws_secret_access_key"],
        "endpoint_url": endpoint,
        "region_name": REGION,
        "location": location,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }


def bucket_keys(endpoint, prefix=""):
    """Every object's key under `prefix`, as the S3 API lists them."""
    listed = s3_client(endpoint).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def object_bytes(endpoint, key):
    return s3_client(endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read()


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = s3_client(endpoint)
    # moto keeps its buckets per process: a server started by another module may have made it already.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield endpoint
    server.stop()
