import pytest

from mesh_components.stack_settings import SettingsError, read_settings


def settings(**raw):
    return read_settings(lambda key: raw.get(key), "dev")


def test_defaults():
    s = settings(topology="config/topology.yaml")
    assert s.envoy_image == "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod"
    assert (s.log_retention_days, s.public_cidrs, s.min_task_count, s.deletion_protection) == (
        30, ["0.0.0.0/0"], 0, False)
    assert s.network is None


def test_values_arrive_as_strings_like_pulumi_config():
    s = settings(topology="t.yaml", minTaskCount="2", deletionProtection="true", logRetentionDays="365",
                 network='{"vpcId": "vpc-0abc", "publicSubnetIds": ["subnet-01"], "privateSubnetIds": ["subnet-02"]}')
    assert (s.min_task_count, s.deletion_protection, s.log_retention_days) == (2, True, 365)
    assert s.network.vpc_id == "vpc-0abc" and s.task_count(1) == 2 and s.task_count(5) == 5


@pytest.mark.parametrize("key,value,message", [
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy:latest", "pinned to a version tag"),
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy", "pinned to a version tag"),
    ("envoyImage", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.15.0.0-prod", "v1.17.2.0-prod and later"),
    ("envoyImage", "public.ecr.aws/appmesh/Envoy:v1.29.6.0-prod", "has repository path component 'Envoy'"),
    ("logRetentionDays", "31", "CloudWatch accepts"),
    ("publicCidrs", '["not-a-cidr"]', "does not appear to be"),
    ("vpcCidr", "8.8.0.0/16", "private IPv4 block"),
    ("network", '{"vpcId": "vpc-1"}', "color-mesh:network.publicSubnetIds"),
])
def test_bad_settings_name_the_key(key, value, message):
    with pytest.raises(SettingsError) as error:
        settings(topology="t.yaml", **{key: value})
    assert str(error.value).startswith("Pulumi.dev.yaml: color-mesh:")
    assert message in str(error.value)


def test_topology_is_required():
    with pytest.raises(SettingsError, match="color-mesh:topology: Field required"):
        settings()
