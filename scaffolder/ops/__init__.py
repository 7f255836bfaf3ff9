"""Operations on provisioned environments, through boto3 behind an injected client provider."""
