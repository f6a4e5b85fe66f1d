// Regions the emulator accepts (public Alibaba Cloud regions, reference §1.2). Any other RegionId gets
// 404 InvalidRegionId.NotFound, as the real gateway answers for a region that does not exist.
export const REGIONS: readonly string[] = [
    "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-hangzhou", "cn-shanghai",
    "cn-nanjing", "cn-fuzhou", "cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu", "cn-wuhan-lr", "cn-hongkong",
    "cn-shanghai-finance-1", "cn-shenzhen-finance-1", "cn-beijing-finance-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ap-south-1", "us-east-1", "us-west-1", "eu-west-1", "eu-central-1",
    "me-east-1", "me-central-1", "na-south-1",
];

export const isKnownRegion = (regionId: string) => REGIONS.includes(regionId);

/** RegionIdAlias as DescribeLoadBalancerAttribute shows it (`cn-hangzhou` -> `hangzhou`). */
export const regionAlias = (regionId: string) => regionId.replace(/^cn-/, "");
