-- wrk script: POST one ECS action; the action and body come from the environment.
wrk.method = "POST"
wrk.headers["X-Amz-Target"] = "AmazonEC2ContainerServiceV20141113." .. os.getenv("BERTH_ACTION")
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.body = os.getenv("BERTH_BODY")
